namespace WeightGuard.Aggregator.Storage;

/// <summary>Waivers admins add at the aggregator (see the partial <see cref="IAggregatorStore"/>).</summary>
public partial interface IAggregatorStore
{
    /// <summary>The stored waivers, oldest first.</summary>
    Task<IReadOnlyList<StoredWaiver>> ListWaiversAsync(CancellationToken cancel = default);

    /// <summary>Stores a waiver.</summary>
    Task AddWaiverAsync(StoredWaiver waiver, CancellationToken cancel = default);

    /// <summary>Deletes a stored waiver; false when there is none with that id.</summary>
    Task<bool> DeleteWaiverAsync(Guid waiverId, CancellationToken cancel = default);
}
