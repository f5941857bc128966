using WeightGuard.Core.Inputs;

namespace WeightGuard.Collectors.Platform;

/// <summary>
/// Bounds on reading one configuration with its includes: depth, files and bytes in total. Include loops end at the
/// depth limit with an error naming the chain's last file, so no configuration makes a parser work without end.
/// </summary>
/// <param name="root">The host root.</param>
/// <param name="maxDepth">Deepest include nesting (sshd allows 16).</param>
/// <param name="maxFiles">Most files read.</param>
/// <param name="kind">What each file is, and so the most bytes read of one; <see cref="InputKind.ConfigFile"/> when null.</param>
/// <param name="maxTotalBytes">Most bytes in all files together.</param>
public sealed class ConfigFileBudget(HostRoot root, int maxDepth = 16, int maxFiles = 512, InputKind? kind = null, long maxTotalBytes = 16 << 20)
{
    private readonly List<string> _files = [];
    private long _bytes;

    /// <summary>Deepest include nesting allowed.</summary>
    public int MaxDepth => maxDepth;

    /// <summary>Files read so far, in order.</summary>
    public IReadOnlyList<string> Files => _files;

    /// <summary>The host root.</summary>
    public HostRoot Root => root;

    /// <summary>Reads one file of the configuration at include depth <paramref name="depth"/>; null when it does not exist.</summary>
    /// <exception cref="InvalidDataException">A limit is exceeded (the message names the file and the limit).</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public string? Read(string hostPath, int depth, string includedFrom)
    {
        if (depth > maxDepth) throw new InvalidDataException($"{includedFrom}: includes nested deeper than {maxDepth} (an include loop?) at {hostPath}");
        if (_files.Count >= maxFiles) throw new InvalidDataException($"{includedFrom}: more than {maxFiles} configuration files");
        var text = root.ReadText(hostPath, kind ?? InputKind.ConfigFile);
        if (text is null) return null;
        _bytes += text.Length;
        if (_bytes > maxTotalBytes) throw new InvalidDataException($"{hostPath}: configuration larger than {maxTotalBytes} bytes in total");
        if (text.Contains('\0')) throw new InvalidDataException($"{hostPath}: not a text file (contains NUL bytes)");
        _files.Add(hostPath);
        return text;
    }
}
