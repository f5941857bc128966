using System.Globalization;
using WeightGuard.Core.Inputs;

namespace WeightGuard.Collectors.Platform.Firmware;

/// <summary>What <c>fwupdmgr security --json</c> printed and how it exited.</summary>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="Json">Standard output.</param>
public sealed record FwupdOutput(int ExitCode, string Json);

/// <summary>Gets fwupd's security report: by running fwupdmgr on this host, or from a recording in a scanned tree.</summary>
public interface IFwupdSecurityReport
{
    /// <summary><c>fwupdmgr</c> or <c>recorded</c>.</summary>
    string Source { get; }

    /// <summary>The report.</summary>
    /// <exception cref="IOException">fwupdmgr could not run, timed out or printed too much; or the recording is missing.</exception>
    /// <exception cref="InvalidDataException">The recording is malformed or too large.</exception>
    FwupdOutput Read();
}

/// <summary>Where fwupd's report comes from for a host root, in one place so live runs and recordings agree.</summary>
public static class FwupdSecurityReports
{
    /// <summary>The command's arguments (<c>--force</c>: fwupd before 1.8 refuses <c>security</c> without it; later
    /// versions accept and ignore it).</summary>
    public static readonly string[] Arguments = ["security", "--json", "--force"];

    /// <summary>Where a scanned tree keeps the recorded output (<c>security.json</c> and <c>security.json.rc</c> holding <c>exit=N</c>).</summary>
    public const string TreePath = "/var/lib/weightguard/recorded/fwupdmgr";

    /// <summary>Where fwupdmgr is installed.</summary>
    public static readonly string[] Programs = ["/usr/bin/fwupdmgr", "/bin/fwupdmgr", "/usr/local/bin/fwupdmgr"];

    /// <summary>
    /// The report source for <paramref name="root"/>: on the live host fwupdmgr when installed; in a tree its recording
    /// (a tree's own binaries are never run). Null when fwupd is absent (no fwupdmgr, no recording).
    /// </summary>
    public static IFwupdSecurityReport? For(HostRoot root)
    {
        if (root.IsLive) return Programs.FirstOrDefault(File.Exists) is { } path ? new FwupdmgrProcess(path) : null;
        var recorded = root.ResolveInRoot(TreePath);
        if (Directory.Exists(recorded)) return new RecordedFwupdmgr(recorded);
        // installed in the tree but not recorded: present, and its answer missing
        return Programs.Any(p => File.Exists(root.Resolve(p))) ? new RecordedFwupdmgr(recorded) : null;
    }
}

/// <summary>Runs fwupdmgr (which asks the fwupd daemon) with a time and output limit.</summary>
/// <param name="path">The fwupdmgr program.</param>
public sealed class FwupdmgrProcess(string path) : IFwupdSecurityReport
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public string Source => "fwupdmgr";

    /// <inheritdoc />
    public FwupdOutput Read()
    {
        var output = BoundedProcess.Run(path, FwupdSecurityReports.Arguments, Timeout, InputKind.RecordedOutput.MaxBytes);
        return new FwupdOutput(output.ExitCode, output.Stdout);
    }
}

/// <summary>Replays a recorded <c>fwupdmgr security --json</c>: <c>security.json</c> and <c>security.json.rc</c>.</summary>
/// <param name="directory">The directory on this machine that holds the recording.</param>
public sealed class RecordedFwupdmgr(string directory) : IFwupdSecurityReport
{
    /// <inheritdoc />
    public string Source => "recorded";

    /// <inheritdoc />
    public FwupdOutput Read()
    {
        var output = Path.Combine(directory, "security.json");
        var rc = output + ".rc";
        if (!File.Exists(output) || !File.Exists(rc)) throw new FileNotFoundException($"no recording of fwupdmgr {string.Join(' ', FwupdSecurityReports.Arguments)} (security.json)");
        var code = BoundedFile.ReadText(rc, InputKind.SystemFile, name: "security.json.rc").Trim();
        if (!code.StartsWith("exit=", StringComparison.Ordinal) || !int.TryParse(code.AsSpan(5), NumberStyles.Integer, CultureInfo.InvariantCulture, out var exit))
            throw new InvalidDataException($"security.json.rc: expected 'exit=N', found '{(code.Length > 40 ? code[..40] + "…" : code)}'");
        return new FwupdOutput(exit, BoundedFile.ReadText(output, InputKind.RecordedOutput, name: "security.json"));
    }
}
