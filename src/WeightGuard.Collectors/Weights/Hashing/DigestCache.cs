using System.Collections.Concurrent;
using WeightGuard.Collectors.Native;

namespace WeightGuard.Collectors.Weights.Hashing;

/// <summary>
/// Digests known from an earlier scan, looked up by <see cref="DigestCacheKey"/>, and the digests of this scan, which
/// become the next cache. Safe for concurrent use by hashing workers.
/// </summary>
/// <param name="loaded">The entries read from the cache file.</param>
public sealed class DigestCache(IReadOnlyList<DigestCacheEntry> loaded)
{
    private readonly Dictionary<(ulong, ulong), DigestCacheEntry> _loaded = loaded.ToDictionary(e => e.Key.Identity);
    private readonly ConcurrentDictionary<(ulong, ulong), DigestCacheEntry> _current = new();
    private volatile bool _changed;

    /// <summary>An empty cache (no cache file).</summary>
    public static DigestCache Empty => new([]);

    /// <summary>The cached digest of the file version <paramref name="key"/>, or null; a hit is kept for the next cache.</summary>
    public byte[]? Find(string path, DigestCacheKey key)
    {
        if (!_loaded.TryGetValue(key.Identity, out var entry) || entry.Key != key) return null;
        if (entry.Path != path)
        {
            entry = entry with { Path = path };
            _changed = true;
        }
        _current[key.Identity] = entry;
        return entry.Sha256;
    }

    /// <summary>Records a digest computed in this scan.</summary>
    public void Add(string path, DigestCacheKey key, byte[] sha256)
    {
        _current[key.Identity] = new DigestCacheEntry(path, key, sha256);
        _changed = true;
    }

    /// <summary>
    /// False when this scan found every cached entry, at the same path, and computed nothing new: saving would write the
    /// same cache again (a re-scan of an unchanged tree then costs no write and no fsync).
    /// </summary>
    public bool Changed => _changed || _current.Count != _loaded.Count;

    /// <summary>
    /// The entries to save: everything this scan hashed or found, then earlier entries of files outside this scan's
    /// paths that are still there unchanged (a file that no longer exists, or changed, is dropped), up to
    /// <see cref="DigestCacheFile.MaxEntries"/>.
    /// </summary>
    public IReadOnlyCollection<DigestCacheEntry> ToSave()
    {
        var keep = new Dictionary<(ulong, ulong), DigestCacheEntry>(_current);
        foreach (var (identity, entry) in _loaded)
        {
            if (keep.Count >= DigestCacheFile.MaxEntries) break;
            if (keep.ContainsKey(identity) || !StillThere(entry)) continue;
            keep[identity] = entry;
        }
        return keep.Values.Take(DigestCacheFile.MaxEntries).ToList();
    }

    private static bool StillThere(DigestCacheEntry entry)
    {
        try
        {
            return DigestCacheKey.From(FileStatus.Stat(entry.Path)) == entry.Key;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
