using System.Diagnostics;

namespace WeightGuard.Collectors.Disk;

/// <summary>Reads ZFS dataset properties (<c>encryption</c>, <c>keystatus</c>, <c>encryptionroot</c>, <c>keyformat</c>,
/// <c>keylocation</c>).</summary>
public interface IZfsPropertySource
{
    /// <summary>The properties of <paramref name="dataset"/>, or null when they cannot be read (no tool, no such dataset).</summary>
    IReadOnlyDictionary<string, string>? Get(string dataset);
}

/// <summary>Runs <c>zfs get -H -p -o property,value …</c> on the live host, when the zfs tool exists.</summary>
public sealed class ZfsCommand : IZfsPropertySource
{
    /// <summary>The properties asked for.</summary>
    public const string Properties = "encryption,keystatus,encryptionroot,keyformat,keylocation";

    private static readonly string[] SearchDirs = ["/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/sbin"];

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string>? Get(string dataset)
    {
        var tool = SearchDirs.Select(d => Path.Combine(d, "zfs")).FirstOrDefault(File.Exists);
        if (tool is null || dataset.StartsWith('-')) return null;
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "get", "-H", "-p", "-o", "property,value", Properties, dataset }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi);
        if (p is null) return null;
        var stdout = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            p.Kill(entireProcessTree: true);
            return null;
        }
        return p.ExitCode == 0 ? Parse(stdout.Result) : null;
    }

    /// <summary>Parses <c>zfs get -H -o property,value</c> output (tab-separated).</summary>
    public static IReadOnlyDictionary<string, string> Parse(string text)
    {
        var d = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var tab = line.IndexOf('\t');
            if (tab > 0) d[line[..tab]] = line[(tab + 1)..].TrimEnd('\r');
        }
        return d;
    }
}
