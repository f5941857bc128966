namespace WeightGuard.Collectors.Disk;

/// <summary>Resolves symbolic links in host paths under a <see cref="HostRoot"/>, so links in a test tree or a mounted
/// image resolve inside it (an absolute link target means the scanned host's <c>/</c>, not this machine's).</summary>
internal static class HostPaths
{
    /// <summary>Linux gives up after 40 links (ELOOP); so do we, which also ends link cycles.</summary>
    private const int MaxLinks = 40;

    /// <summary>The host path with every symbolic link resolved; components that do not exist are kept as written.</summary>
    public static string RealPath(HostRoot root, string hostPath)
    {
        var pending = new Stack<string>(Split(hostPath).Reverse());
        var resolved = new List<string>();
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part == ".") continue;
            if (part == "..")
            {
                if (resolved.Count > 0) resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            var candidate = Join(resolved.Append(part));
            string? target = null;
            try
            {
                target = new FileInfo(root.Resolve(candidate)).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Unreadable: keep the component as written.
            }
            if (target is null || ++links > MaxLinks)
            {
                resolved.Add(part);
                continue;
            }
            if (target.StartsWith('/')) resolved.Clear();
            foreach (var t in Split(target).Reverse()) pending.Push(t);
        }
        return Join(resolved);
    }

    /// <summary>The last component of a host path.</summary>
    public static string Name(string hostPath) => hostPath.TrimEnd('/')[(hostPath.TrimEnd('/').LastIndexOf('/') + 1)..];

    /// <summary>The parent directory of a host path.</summary>
    public static string Parent(string hostPath)
    {
        var trimmed = hostPath.TrimEnd('/');
        var cut = trimmed.LastIndexOf('/');
        return cut <= 0 ? "/" : trimmed[..cut];
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="directory"/> or lies beneath it.</summary>
    public static bool IsUnder(string path, string directory) =>
        directory == "/" || path == directory || path.StartsWith(directory + "/", StringComparison.Ordinal);

    private static IEnumerable<string> Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private static string Join(IEnumerable<string> parts) => "/" + string.Join('/', parts);
}
