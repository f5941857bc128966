using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using WeightGuard.Collectors;
using WeightGuard.Collectors.Access;
using WeightGuard.Collectors.Disk;
using WeightGuard.Collectors.Windows;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Cli.Commands;

/// <summary>What <c>inspect path</c> prints: who can read the path, through which permission, directory by directory,
/// and the storage stack under it with its encryption verdict.</summary>
/// <param name="Path">The host path inspected.</param>
/// <param name="Access">Mode, owner, ACL and effective readers of the path and of every directory above it.</param>
/// <param name="Storage">The storage chain and encryption verdict (Linux host trees; BitLocker on Windows).</param>
internal sealed record PathInspection(string Path, AccessEvidence Access, StoragePathEvidence Storage);

/// <summary><c>weightguard inspect path PATH</c>.</summary>
internal static class InspectPathCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("PATH") { Description = "Absolute path of a file or directory on the scanned host" };
        var root = CommonOptions.Root();
        var command = new Command("path", "Print who can read PATH and why (owner, group, ACL or other, through every directory above it) as JSON") { path, root };
        command.SetAction(parse =>
        {
            var hostPath = parse.GetValue(path)!;
            var rootDir = parse.GetValue(root);
            var hostRoot = rootDir is null ? HostRoot.Live : new HostRoot(rootDir);
            if (!hostPath.StartsWith('/'))
            {
                hostPath = System.IO.Path.GetFullPath(hostPath);
                if (rootDir is not null)
                {
                    Console.Error.WriteLine($"{parse.GetValue(path)}: give an absolute path on the host at --root");
                    return ExitCodes.BadInput;
                }
            }
            var local = hostRoot.Resolve(hostPath);
            if (!File.Exists(local) && !Directory.Exists(local))
            {
                Console.Error.WriteLine($"{hostPath}: no such file or directory");
                return ExitCodes.BadInput;
            }
            AccountDatabase accounts;
            try
            {
                accounts = AccountDatabase.Read(hostRoot);
            }
            catch (UnauthorizedAccessException e)
            {
                Console.Error.WriteLine($"cannot read the account database: {e.Message}");
                return ExitCodes.BadInput;
            }
            var access = new AccessControlCollector(hostRoot, accounts).Collect([(hostPath.Length > 1 ? hostPath.TrimEnd('/') : hostPath, local)]);
            using var stdout = Console.OpenStandardOutput();
            var storage = (BitLockerCollector.ForThisHost() is { } bitLocker && hostRoot.IsLive
                ? bitLocker.Collect([hostPath])
                : new StorageChainResolver(hostRoot).Collect([hostPath])).Paths.Single();
            JsonSerializer.Serialize(stdout, new PathInspection(hostPath, access, storage), CliJsonContext.Default.PathInspection);
            stdout.Write("\n"u8);
            return access.Errors.Count > 0 ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }
}

/// <summary>Source-generated JSON for the command line's own outputs.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, WriteIndented = true)]
[JsonSerializable(typeof(PathInspection))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
