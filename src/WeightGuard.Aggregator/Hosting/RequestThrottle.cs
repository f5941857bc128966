using System.Collections.Concurrent;

namespace WeightGuard.Aggregator.Hosting;

/// <summary>
/// Counts events per key (a client address, an agent) in fixed windows: a key that reached <paramref name="limit"/>
/// events is refused until its window ends. Memory stays bounded: past <see cref="MaxKeys"/> keys, ended windows are
/// dropped, and if that is not enough the oldest are.
/// </summary>
/// <param name="limit">Events allowed per window and key.</param>
/// <param name="window">The window's length.</param>
/// <param name="time">The clock.</param>
public sealed class RequestThrottle(int limit, TimeSpan window, TimeProvider time)
{
    /// <summary>The most keys tracked at once.</summary>
    public const int MaxKeys = 100_000;

    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>Null while <paramref name="key"/> may proceed; otherwise how long until it may.</summary>
    public TimeSpan? RetryAfter(string key)
    {
        var now = time.GetUtcNow();
        if (!_windows.TryGetValue(key, out var w)) return null;
        lock (w) return w.End > now && w.Count >= limit ? w.End - now : null;
    }

    /// <summary>Counts one event for <paramref name="key"/>; null when it was within the limit, otherwise how long until the key may proceed.</summary>
    public TimeSpan? Count(string key)
    {
        var now = time.GetUtcNow();
        if (_windows.Count >= MaxKeys) Prune(now);
        var w = _windows.GetOrAdd(key, _ => new Window(now + window));
        lock (w)
        {
            if (w.End <= now) (w.End, w.Count) = (now + window, 0);
            if (w.Count >= limit) return w.End - now;
            w.Count++;
            return null;
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, w) in _windows)
            if (w.End <= now) _windows.TryRemove(key, out _);
        if (_windows.Count < MaxKeys) return;
        foreach (var key in _windows.OrderBy(p => p.Value.End).Take(_windows.Count - MaxKeys / 2).Select(p => p.Key).ToList())
            _windows.TryRemove(key, out _);
    }

    private sealed class Window(DateTimeOffset end)
    {
        public DateTimeOffset End = end;
        public int Count;
    }
}
