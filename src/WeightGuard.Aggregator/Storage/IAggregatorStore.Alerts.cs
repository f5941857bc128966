namespace WeightGuard.Aggregator.Storage;

/// <summary>Alerts: what the watch last saw of each host, the alerts raised, and their delivery per sink.</summary>
public partial interface IAggregatorStore
{
    /// <summary>What the alert watch last saw of one host, or null before the first look.</summary>
    Task<HostAlertState?> GetAlertStateAsync(string agentId, CancellationToken cancel = default);

    /// <summary>What the alert watch last saw of every host it has looked at.</summary>
    Task<IReadOnlyList<HostAlertState>> ListAlertStatesAsync(CancellationToken cancel = default);

    /// <summary>
    /// In one transaction: replaces the host's state with <paramref name="next"/> if it still is at
    /// <paramref name="expectedVersion"/> (null: no state yet), stores <paramref name="alerts"/>, and a <c>queued</c>
    /// delivery for each alert to each sink <paramref name="sinksFor"/> names. False, writing nothing, when another
    /// writer changed the state first.
    /// </summary>
    Task<bool> RecordAlertsAsync(HostAlertState next, long? expectedVersion, IReadOnlyList<StoredAlert> alerts,
        Func<StoredAlert, IEnumerable<string>> sinksFor, CancellationToken cancel = default);

    /// <summary>Sets where an alert stands with one sink.</summary>
    Task SetAlertDeliveryAsync(AlertDelivery delivery, CancellationToken cancel = default);

    /// <summary>Deletes alerts raised before <paramref name="before"/> with their deliveries; returns how many alerts went.</summary>
    Task<int> PruneAlertsAsync(DateTimeOffset before, CancellationToken cancel = default);

    /// <summary>The newest <paramref name="limit"/> alerts with their deliveries, newest first.</summary>
    Task<IReadOnlyList<AlertWithDeliveries>> RecentAlertsAsync(int limit, CancellationToken cancel = default);
}
