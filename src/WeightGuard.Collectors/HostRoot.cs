namespace WeightGuard.Collectors;

/// <summary>
/// The file-system root every collector reads through. <c>/</c> on a live host; a directory tree (a test fixture, a
/// mounted disk image) with <c>--root</c>. Host paths are always absolute paths as seen on the scanned host
/// (<c>/etc/passwd</c>); <see cref="Resolve"/> maps them to where they are on this machine.
/// </summary>
public sealed class HostRoot
{
    /// <summary>The live host.</summary>
    public static HostRoot Live { get; } = new("/");

    /// <summary>Creates a root at <paramref name="directory"/>.</summary>
    public HostRoot(string directory)
    {
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>The directory on this machine that stands for the scanned host's <c>/</c>.</summary>
    public string Directory { get; }

    /// <summary>True when this is the running host itself (so /proc/self, ioctls and devices describe the scanned host).</summary>
    public bool IsLive => Directory == "/";

    /// <summary>Maps an absolute host path to the path to open on this machine.</summary>
    public string Resolve(string hostPath)
    {
        if (!hostPath.StartsWith('/')) throw new ArgumentException($"host path must be absolute: {hostPath}", nameof(hostPath));
        return IsLive ? hostPath : Path.Join(Directory, hostPath);
    }

    /// <summary>Maps a path on this machine under the root back to the host path it stands for.</summary>
    public string ToHostPath(string localPath)
    {
        if (IsLive) return localPath;
        var relative = Path.GetRelativePath(Directory, localPath);
        return relative == "." ? "/" : "/" + relative.Replace(Path.DirectorySeparatorChar, '/');
    }

    /// <summary>Reads a whole small text file under the root, or null when it does not exist.</summary>
    /// <exception cref="UnauthorizedAccessException">The file exists but may not be read.</exception>
    /// <exception cref="InvalidDataException">The file is larger than <paramref name="maxBytes"/>.</exception>
    public string? ReadText(string hostPath, int maxBytes = 1 << 20)
    {
        var local = Resolve(hostPath);
        if (!File.Exists(local)) return null;
        using var stream = new FileStream(local, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
        var buffer = new byte[Math.Min(maxBytes + 1, 64 * 1024)];
        using var text = new MemoryStream();
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            text.Write(buffer, 0, n);
            if (text.Length > maxBytes) throw new InvalidDataException($"{hostPath}: larger than {maxBytes} bytes");
        }
        return System.Text.Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length);
    }

    /// <inheritdoc />
    public override string ToString() => Directory;
}
