using System.Runtime.InteropServices;
using WeightGuard.Core.Evidence;
using WeightGuard.Core.Inputs;

namespace WeightGuard.Collectors.Host;

/// <summary>Reads hostname, machine id, os-release and kernel release.</summary>
public sealed class HostIdentityCollector(HostRoot root)
{
    /// <summary>Collects the host identity; what cannot be read is <c>unknown</c> (or null where optional).</summary>
    public HostIdentity Collect()
    {
        var osRelease = ParseOsRelease(Read("/etc/os-release") ?? Read("/usr/lib/os-release") ?? "");
        return new HostIdentity
        {
            Hostname = (Read("/proc/sys/kernel/hostname") is { } h && root.IsLive ? h : Read("/etc/hostname"))?.Trim() is { Length: > 0 } name
                ? name : (root.IsLive ? Environment.MachineName : "unknown"),
            MachineId = Read("/etc/machine-id")?.Trim() is { Length: > 0 } id ? id : null,
            Os = osRelease.GetValueOrDefault("PRETTY_NAME") ?? osRelease.GetValueOrDefault("NAME") ?? "unknown",
            OsId = osRelease.GetValueOrDefault("ID"),
            OsVersion = osRelease.GetValueOrDefault("VERSION_ID"),
            Kernel = Read("/proc/sys/kernel/osrelease")?.Trim() is { Length: > 0 } k ? k : "unknown",
            Arch = root.IsLive ? RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant() : "unknown",
            Platform = OperatingSystem.IsWindows() ? "windows" : "linux",
        };
    }

    private string? Read(string path)
    {
        try
        {
            return root.ReadText(path, InputKind.SystemFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Parses os-release: KEY=value lines, values optionally quoted.</summary>
    public static Dictionary<string, string> ParseOsRelease(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var eq = line.IndexOf('=');
            if (eq <= 0 || line.StartsWith('#')) continue;
            var value = line[(eq + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0]) value = value[1..^1];
            values[line[..eq].Trim()] = value;
        }
        return values;
    }
}
