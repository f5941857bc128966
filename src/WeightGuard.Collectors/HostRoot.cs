using WeightGuard.Core.Inputs;

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

    /// <summary>
    /// Maps a host path to the path to open on this machine with every symbolic link on the way resolved inside the
    /// root, as the scanned host would resolve it: an absolute target starts again at the root and <c>..</c> stops at
    /// it, so a tree's <c>/etc/passwd -> /dev/zero</c> names the tree's <c>/dev/zero</c>, never this machine's. The
    /// result holds no links (open it without following one). On the live host this is <see cref="Resolve"/>.
    /// </summary>
    /// <exception cref="IOException">More than 40 links on the way (a loop).</exception>
    public string ResolveInRoot(string hostPath)
    {
        var local = Resolve(hostPath);
        if (IsLive) return local;
        var pending = new List<string>(hostPath.Split('/', StringSplitOptions.RemoveEmptyEntries));
        var resolved = new List<string>();
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending[0];
            pending.RemoveAt(0);
            if (part == ".") continue;
            if (part == "..") { if (resolved.Count > 0) resolved.RemoveAt(resolved.Count - 1); continue; }
            resolved.Add(part);
            var target = new FileInfo(Path.Join(Directory, string.Join('/', resolved))).LinkTarget;
            if (target is null) continue;
            if (++links > MaxLinks) throw new IOException($"{hostPath}: more than {MaxLinks} symbolic links on the way (a loop?)");
            resolved.RemoveAt(resolved.Count - 1);
            if (target.StartsWith('/')) resolved.Clear();
            pending.InsertRange(0, target.Split('/', StringSplitOptions.RemoveEmptyEntries));
        }
        return Path.Join(Directory, "/" + string.Join('/', resolved));
    }

    /// <summary>
    /// Reads a whole text file under the root through <see cref="BoundedFile"/> (regular files only, at most the kind's
    /// limit, links resolved inside the root), or null when it does not exist.
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">The file exists but may not be read.</exception>
    /// <exception cref="IOException">Not a regular file, or unreadable.</exception>
    /// <exception cref="InvalidDataException">The file is larger than the kind allows.</exception>
    public string? ReadText(string hostPath, InputKind kind)
    {
        try { return BoundedFile.ReadText(ResolveInRoot(hostPath), kind, followFinalLink: IsLive, name: hostPath); }
        catch (FileNotFoundException) { return null; }
    }

    /// <summary>The bytes of a file under the root, or null when it does not exist; see <see cref="ReadText"/>.</summary>
    /// <inheritdoc cref="ReadText" path="/exception"/>
    public byte[]? ReadBytes(string hostPath, InputKind kind)
    {
        try { return BoundedFile.ReadBytes(ResolveInRoot(hostPath), kind, followFinalLink: IsLive, name: hostPath); }
        catch (FileNotFoundException) { return null; }
    }

    /// <summary>Opens a regular file under the root as a stream (links resolved inside the root), or null when it does not exist.</summary>
    /// <exception cref="UnauthorizedAccessException">The file exists but may not be read.</exception>
    /// <exception cref="IOException">Not a regular file, or unreadable.</exception>
    public FileStream? OpenRead(string hostPath)
    {
        try { return BoundedFile.OpenStream(ResolveInRoot(hostPath), followFinalLink: IsLive, name: hostPath); }
        catch (FileNotFoundException) { return null; }
    }

    private const int MaxLinks = 40;

    /// <inheritdoc />
    public override string ToString() => Directory;
}
