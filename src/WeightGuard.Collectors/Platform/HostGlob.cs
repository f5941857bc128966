using System.IO.Enumeration;

namespace WeightGuard.Collectors.Platform;

/// <summary>
/// Expands a host-path pattern with <c>*</c> and <c>?</c> in any component, as glob(3) does for configuration
/// includes: matches sorted, hidden entries matched only by a pattern starting with a dot, no match giving nothing.
/// </summary>
public static class HostGlob
{
    /// <summary>Most paths one pattern may expand to.</summary>
    public const int MaxMatches = 1024;

    /// <summary>Host paths of existing files and links (and directories when <paramref name="directories"/>) matching the absolute pattern.</summary>
    /// <exception cref="InvalidDataException">The pattern matches more than <see cref="MaxMatches"/> entries.</exception>
    public static IReadOnlyList<string> Expand(HostRoot root, string pattern, bool directories = false)
    {
        var parts = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = new List<string> { "" };
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            var last = i == parts.Length - 1;
            var next = new List<string>();
            foreach (var prefix in current)
            {
                if (!HasWildcard(part))
                {
                    next.Add(prefix + "/" + part);
                    continue;
                }
                var dir = root.Resolve(prefix.Length == 0 ? "/" : prefix);
                if (!Directory.Exists(dir)) continue;
                foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
                {
                    var name = Path.GetFileName(entry);
                    if (name.StartsWith('.') && !part.StartsWith('.')) continue;
                    if (!FileSystemName.MatchesSimpleExpression(part, name, ignoreCase: false)) continue;
                    next.Add(prefix + "/" + name);
                    if (next.Count > MaxMatches) throw new InvalidDataException($"{pattern}: matches more than {MaxMatches} entries");
                }
            }
            current = next;
            if (!last) current = current.Where(p => Directory.Exists(root.Resolve(p))).ToList();
        }
        // a dangling link still counts (an enabled unit's link points outside a scanned tree); reading it gives nothing
        return current.Where(p => File.Exists(root.Resolve(p)) || (directories && Directory.Exists(root.Resolve(p))) || new FileInfo(root.Resolve(p)).LinkTarget is not null)
            .Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Whether a pattern component has glob characters.</summary>
    public static bool HasWildcard(string component) => component.AsSpan().IndexOfAny('*', '?') >= 0;
}
