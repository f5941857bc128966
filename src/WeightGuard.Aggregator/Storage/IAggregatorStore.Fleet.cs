namespace WeightGuard.Aggregator.Storage;

/// <summary>The fleet pages' reads: counts and pages from the current judgements, whatever the fleet's size.</summary>
public partial interface IAggregatorStore
{
    /// <summary>What the fleet overview counts for <paramref name="query"/>.</summary>
    Task<FleetCounts> FleetCountsAsync(FleetQuery query, CancellationToken cancel = default);

    /// <summary>Up to <paramref name="limit"/> hosts <paramref name="query"/> admits, in <paramref name="order"/>, after skipping <paramref name="offset"/>.</summary>
    Task<IReadOnlyList<HostRow>> FleetHostsAsync(FleetQuery query, FleetOrder order, int offset, int limit, CancellationToken cancel = default);

    /// <summary>The ids of every host <paramref name="query"/> admits (no report or judgement read).</summary>
    Task<IReadOnlyList<string>> FleetHostIdsAsync(FleetQuery query, CancellationToken cancel = default);

    /// <summary>
    /// One control's current verdicts: counts per status, and up to <paramref name="limit"/> verdicts of
    /// <paramref name="status"/> (any when null) by host name, after skipping <paramref name="offset"/>.
    /// </summary>
    Task<ControlVerdictPage> ControlVerdictsAsync(string controlId, string? status, int offset, int limit, CancellationToken cancel = default);
}
