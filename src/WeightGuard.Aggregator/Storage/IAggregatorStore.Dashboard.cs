namespace WeightGuard.Aggregator.Storage;

/// <summary>What the dashboard and evidence export read and set beyond the fleet API: report bodies, labels, PCR baselines, exports.</summary>
public partial interface IAggregatorStore
{
    /// <summary>One stored report's body and attestation, or null when no report has that id.</summary>
    Task<StoredReportBody?> GetReportBodyAsync(Guid reportId, CancellationToken cancel = default);

    /// <summary>An agent's reports received at or after <paramref name="since"/> (all when null), oldest first.</summary>
    Task<IReadOnlyList<StoredReportBody>> ReportBodiesAsync(string agentId, DateTimeOffset? since, CancellationToken cancel = default);

    /// <summary>How many hosts are enrolled.</summary>
    Task<int> CountHostsAsync(CancellationToken cancel = default);

    /// <summary>Every enrolled host with its latest report and current judgement, by host name.</summary>
    Task<IReadOnlyList<HostRow>> AllHostsAsync(CancellationToken cancel = default);

    /// <summary>Every host's labels, by agent id (hosts without labels are absent), each list in ordinal order.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> HostLabelsAsync(CancellationToken cancel = default);

    /// <summary>One host's labels, in ordinal order (what ingest matches waivers, attestations and policy on).</summary>
    Task<IReadOnlyList<string>> LabelsOfAsync(string agentId, CancellationToken cancel = default);

    /// <summary>Replaces a host's labels.</summary>
    Task SetHostLabelsAsync(string agentId, IReadOnlyCollection<string> labels, CancellationToken cancel = default);

    /// <summary>
    /// The report whose quoted PCRs are the host's baseline: the one an admin chose, else the host's first verified report;
    /// null when the host has no verified report.
    /// </summary>
    Task<PcrBaseline?> GetPcrBaselineAsync(string agentId, CancellationToken cancel = default);

    /// <summary>Makes a verified report of this agent its PCR baseline; false when the agent has no such report.</summary>
    Task<bool> SetPcrBaselineAsync(string agentId, Guid reportId, string setBy, DateTimeOffset at, CancellationToken cancel = default);

    /// <summary>
    /// Each host's last report of each day (UTC) since <paramref name="since"/> judged against <paramref name="profileId"/>, as
    /// judged when it arrived, by day: what the overview's trend counts over the hosts it shows.
    /// </summary>
    Task<IReadOnlyList<DailyAssessment>> DailyAssessmentsAsync(string profileId, DateTimeOffset since, CancellationToken cancel = default);

    /// <summary>The manifest SHA-256 of the newest evidence export, which the next one chains to; null before the first.</summary>
    Task<string?> LastExportAsync(CancellationToken cancel = default);

    /// <summary>Records an evidence export.</summary>
    Task AddExportAsync(string manifestSha256, DateTimeOffset createdAt, string madeBy, CancellationToken cancel = default);
}
