using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Disk;

/// <summary>Parses <c>/etc/crypttab</c> (crypttab(5)): <c>name device [keyfile [options]]</c>, <c>#</c> comments.</summary>
public static class Crypttab
{
    /// <summary>Key files that mean "a fresh random key every boot" (swap, /tmp): nothing persists to protect.</summary>
    public static IReadOnlySet<string> RandomKeySources { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "/dev/urandom", "/dev/random", "/dev/hw_random",
    };

    /// <summary>Parses the entries; lines with fewer than two fields are reported through <paramref name="problems"/>.
    /// <see cref="CrypttabEntry.KeyFileStorage"/> is left null for the resolver to fill.</summary>
    public static IReadOnlyList<CrypttabEntry> Parse(string text, ICollection<string>? problems = null)
    {
        var entries = new List<CrypttabEntry>();
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var f = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 2)
            {
                problems?.Add($"/etc/crypttab:{lineNumber}: expected at least a name and a device");
                continue;
            }
            var keyFile = f.Length > 2 && f[2] is not ("none" or "-") ? f[2] : null;
            var options = f.Length > 3 ? f[3].Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
            entries.Add(new CrypttabEntry(lineNumber, f[0], f[1], keyFile, options, null));
        }
        return entries;
    }

    /// <summary>The key file as a path on a mounted file system, or null (none, a random source, or
    /// systemd's <c>path:device</c> form where the key lives on a separate device).</summary>
    public static string? KeyFilePath(CrypttabEntry entry) =>
        entry.KeyFile is { } k && k.StartsWith('/') && !k.Contains(':') && !RandomKeySources.Contains(k) ? k : null;
}
