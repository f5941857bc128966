namespace WeightGuard.Aggregator.Storage;

/// <summary>
/// What several aggregator instances on one database share beyond the fleet's data (see the partial
/// <see cref="IAggregatorStore"/>): the data-protection key ring, the counters of the rate limits that protect secrets,
/// and named locks that keep migrations and exports to one instance at a time.
/// </summary>
public partial interface IAggregatorStore
{
    /// <summary>Every stored data-protection element (keys and revocations, encrypted as the key manager wrote them), oldest first.</summary>
    Task<IReadOnlyList<string>> DataProtectionElementsAsync(CancellationToken cancel = default);

    /// <summary>Stores one data-protection element under <paramref name="elementId"/> (unique; the key manager's friendly name).</summary>
    Task AddDataProtectionElementAsync(string elementId, string xml, DateTimeOffset at, CancellationToken cancel = default);

    /// <summary>
    /// Counts one event for <paramref name="subject"/> in <paramref name="scope"/> within fixed windows of
    /// <paramref name="window"/>; null while the window holds at most <paramref name="limit"/> events, otherwise how
    /// long until the window ends. Counters of ended windows are forgotten now and then.
    /// </summary>
    Task<TimeSpan?> CountThrottledEventAsync(string scope, string subject, int limit, TimeSpan window, DateTimeOffset now,
        CancellationToken cancel = default);

    /// <summary>Null while <paramref name="subject"/> has not reached <paramref name="limit"/> events in its current window; otherwise how long until it ends.</summary>
    Task<TimeSpan?> ThrottleRetryAfterAsync(string scope, string subject, int limit, DateTimeOffset now, CancellationToken cancel = default);

    /// <summary>
    /// Takes the lock <paramref name="name"/> across every process on this database (a PostgreSQL advisory lock; a lock
    /// file beside a SQLite database). With <paramref name="wait"/> false, null when another holder has it. Disposing
    /// the result releases it; a holder that dies releases it too.
    /// </summary>
    Task<IAsyncDisposable?> LockAsync(string name, bool wait, CancellationToken cancel = default);
}
