namespace WeightGuard.Aggregator.Storage;

/// <summary>The data-protection key ring and shared throttle counters (see the partial <see cref="IAggregatorStore"/>).</summary>
public abstract partial class SqlStore
{
    /// <summary>Ended throttle windows are deleted on one call in this many.</summary>
    private const int ThrottlePruneInterval = 256;

    private int _throttleCalls;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> DataProtectionElementsAsync(CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null, "SELECT xml FROM data_protection_keys ORDER BY stored_at, element_id");
        return await ReadAll(cmd, r => r.GetString(0), cancel);
    }

    /// <inheritdoc/>
    public Task AddDataProtectionElementAsync(string elementId, string xml, DateTimeOffset at, CancellationToken cancel = default) =>
        Write("INSERT INTO data_protection_keys (element_id, xml, stored_at) VALUES (@id, @xml, @at)", cancel,
            ("id", elementId), ("xml", xml), ("at", Ms(at)));

    /// <inheritdoc/>
    public async Task<TimeSpan?> CountThrottledEventAsync(string scope, string subject, int limit, TimeSpan window, DateTimeOffset now,
        CancellationToken cancel = default)
    {
        using var writer = await EnterWriterAsync(cancel);
        await using var db = await OpenAsync(cancel);
        if (Interlocked.Increment(ref _throttleCalls) % ThrottlePruneInterval == 0)
            await Execute(db, null, "DELETE FROM throttle_counters WHERE window_end <= @now", cancel, ("now", Ms(now)));
        // One statement, so that instances counting at once never lose a hit: a new or ended window starts at 1,
        // otherwise the count goes up (SET reads the row as it was).
        await using var cmd = Command(db, null, """
            INSERT INTO throttle_counters (scope, subject, window_end, hits) VALUES (@scope, @subject, @end, 1)
            ON CONFLICT (scope, subject) DO UPDATE SET
              hits = CASE WHEN throttle_counters.window_end <= @now THEN 1 ELSE throttle_counters.hits + 1 END,
              window_end = CASE WHEN throttle_counters.window_end <= @now THEN @end ELSE throttle_counters.window_end END
            RETURNING hits, window_end
            """, ("scope", scope), ("subject", subject), ("end", Ms(now + window)), ("now", Ms(now)));
        var (hits, end) = (await ReadAll(cmd, r => (Long(r, 0), Long(r, 1)), cancel))[0];
        return hits > limit ? FromMs(end) - now : null;
    }

    /// <inheritdoc/>
    public async Task<TimeSpan?> ThrottleRetryAfterAsync(string scope, string subject, int limit, DateTimeOffset now, CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null,
            "SELECT window_end FROM throttle_counters WHERE scope = @scope AND subject = @subject AND window_end > @now AND hits >= @limit",
            ("scope", scope), ("subject", subject), ("now", Ms(now)), ("limit", (long)limit));
        var ends = await ReadAll(cmd, r => Long(r, 0), cancel);
        return ends.Count == 0 ? null : FromMs(ends[0]) - now;
    }

    /// <inheritdoc/>
    public abstract Task<IAsyncDisposable?> LockAsync(string name, bool wait, CancellationToken cancel = default);
}
