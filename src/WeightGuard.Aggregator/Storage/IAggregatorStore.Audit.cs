using WeightGuard.Evidence;

namespace WeightGuard.Aggregator.Storage;

/// <summary>The audit log of privileged actions: append-only, each row chained to the one before by SHA-256 (see the partial <see cref="IAggregatorStore"/>).</summary>
public partial interface IAggregatorStore
{
    /// <summary>Appends a row after the newest one, chained to it, and returns it; nothing updates or deletes rows.</summary>
    Task<AuditEntry> AppendAuditAsync(AuditAction action, DateTimeOffset at, CancellationToken cancel = default);

    /// <summary>Up to <paramref name="limit"/> rows with a sequence number above <paramref name="after"/>, oldest first.</summary>
    Task<IReadOnlyList<AuditEntry>> AuditAfterAsync(long after, int limit, CancellationToken cancel = default);

    /// <summary>Up to <paramref name="limit"/> rows with a sequence number below <paramref name="before"/>, newest first.</summary>
    Task<IReadOnlyList<AuditEntry>> AuditBeforeAsync(long before, int limit, CancellationToken cancel = default);

    /// <summary>The newest <paramref name="limit"/> rows of one action (e.g. every export made), newest first.</summary>
    Task<IReadOnlyList<AuditEntry>> AuditOfActionAsync(string action, int limit, CancellationToken cancel = default);
}
