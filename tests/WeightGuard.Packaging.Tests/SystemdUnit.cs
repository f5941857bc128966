using System.Globalization;
using System.Text.RegularExpressions;
using WeightGuard.Testing;

namespace WeightGuard.Packaging.Tests;

/// <summary>A systemd unit file as its directives (a directive may repeat), and systemd's own checks of it.</summary>
public sealed partial class SystemdUnit
{
    private readonly List<(string Section, string Key, string Value)> _directives = [];

    private SystemdUnit(string path)
    {
        Path = path;
        var section = "";
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            if (line.StartsWith('[')) { section = line.Trim('[', ']'); continue; }
            var eq = line.IndexOf('=');
            _directives.Add((section, line[..eq], line[(eq + 1)..]));
        }
    }

    /// <summary>The unit file.</summary>
    public string Path { get; }

    /// <summary>Reads a unit file.</summary>
    public static SystemdUnit Load(string path) => new(path);

    /// <summary>Every value of a directive, in file order.</summary>
    public IReadOnlyList<string> Values(string section, string key) =>
        _directives.Where(d => d.Section == section && d.Key == key).Select(d => d.Value).ToList();

    /// <summary>The effective (last) value of a directive in [Service], or null.</summary>
    public string? Service(string key) => Values("Service", key).LastOrDefault();

    /// <summary>
    /// <c>systemd-analyze verify</c> on a copy whose ExecStart program is <paramref name="program"/>, because verify
    /// insists that the program exists and the unit's own is not installed on this machine. systemd reports bad values
    /// as warnings with exit code 0, so the output is returned for the caller to expect empty.
    /// </summary>
    public (int ExitCode, string Output) Verify(string program)
    {
        var analyze = ExternalTool.Require("systemd-analyze");
        var directory = Directory.CreateTempSubdirectory("weightguard-unit-");
        try
        {
            var copy = System.IO.Path.Combine(directory.FullName, System.IO.Path.GetFileName(Path));
            var execStart = Service("ExecStart") ?? throw new InvalidDataException($"{Path}: no ExecStart");
            File.WriteAllText(copy, File.ReadAllText(Path).Replace("ExecStart=" + execStart.Split(' ')[0], "ExecStart=" + program));
            var run = ExternalTool.Run(analyze, ["verify", "--man=no", copy]);
            return (run.ExitCode, (run.Stdout + run.Stderr).Trim());
        }
        finally { directory.Delete(recursive: true); }
    }

    /// <summary><c>systemd-analyze security</c>'s overall exposure score: 0 (locked down) to 10 (unprotected).</summary>
    public double Exposure()
    {
        var run = ExternalTool.Run(ExternalTool.Require("systemd-analyze"), ["security", "--offline=true", "--no-pager", Path]);
        var match = ExposurePattern().Match(run.Stdout);
        Assert.That(match.Success, $"no exposure level in: {run.Stdout}{run.Stderr}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"Overall exposure level for \S+: ([0-9.]+)")]
    private static partial Regex ExposurePattern();
}
