namespace WeightGuard.Aggregator.Storage;

/// <summary>Waivers admins add at the aggregator (see the partial <see cref="IAggregatorStore"/>).</summary>
public partial interface IAggregatorStore
{
    /// <summary>The stored waivers, oldest first, withdrawn ones included (judgements made while they stood re-derive with them).</summary>
    Task<IReadOnlyList<StoredWaiver>> ListWaiversAsync(CancellationToken cancel = default);

    /// <summary>Stores a waiver.</summary>
    Task AddWaiverAsync(StoredWaiver waiver, CancellationToken cancel = default);

    /// <summary>Withdraws a stored waiver from <paramref name="at"/> on; false when there is no standing one with that id.</summary>
    Task<bool> WithdrawWaiverAsync(Guid waiverId, DateTimeOffset at, CancellationToken cancel = default);
}
