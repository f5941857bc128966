namespace WeightGuard.Aggregator.Storage;

/// <summary>
/// Everything the aggregator keeps. Secrets (tokens) are stored only as SHA-256 hashes. Implementations: SQLite (one
/// process) and PostgreSQL (several aggregator instances sharing one database); the same tests run against both.
/// </summary>
public partial interface IAggregatorStore : IAsyncDisposable
{
    /// <summary>Creates or upgrades the schema to the newest migration.</summary>
    Task MigrateAsync(CancellationToken cancel = default);

    /// <summary>Records an enrolment token by the hash of its secret.</summary>
    Task AddEnrollmentTokenAsync(string secretHash, DateTimeOffset expiresAt, int uses, CancellationToken cancel = default);

    /// <summary>Spends one use of an enrolment token; false when it is unknown, expired or used up.</summary>
    Task<bool> ConsumeEnrollmentTokenAsync(string secretHash, DateTimeOffset now, CancellationToken cancel = default);

    /// <summary>Records a TPM enrolment awaiting credential activation.</summary>
    Task AddPendingEnrollmentAsync(PendingEnrollment pending, CancellationToken cancel = default);

    /// <summary>Removes and returns a pending enrolment (one activation attempt each), or null when there is none.</summary>
    Task<PendingEnrollment?> TakePendingEnrollmentAsync(string enrollmentId, CancellationToken cancel = default);

    /// <summary>Adds an enrolled agent.</summary>
    Task AddAgentAsync(AgentRecord agent, CancellationToken cancel = default);

    /// <summary>An agent by id, or null.</summary>
    Task<AgentRecord?> GetAgentAsync(string agentId, CancellationToken cancel = default);

    /// <summary>Marks an agent revoked; false when there is no such agent.</summary>
    Task<bool> RevokeAgentAsync(string agentId, DateTimeOffset at, CancellationToken cancel = default);

    /// <summary>
    /// Records a nonce issued to an agent (and forgets nonces that expired long ago) unless the agent already holds
    /// <paramref name="maxOutstanding"/> unused, unexpired ones; then returns when the first of those expires instead.
    /// </summary>
    Task<DateTimeOffset?> AddNonceAsync(string nonce, string agentId, DateTimeOffset now, DateTimeOffset expiresAt, int maxOutstanding,
        CancellationToken cancel = default);

    /// <summary>Spends a nonce if it is this agent's, unused and unexpired; says why not otherwise.</summary>
    Task<NonceCheck> ConsumeNonceAsync(string nonce, string agentId, DateTimeOffset now, CancellationToken cancel = default);

    /// <summary>
    /// Stores a report with what was judged at receipt and, when it is its host's newest, makes it the latest and its
    /// judgement the current one; false when a report with that id exists.
    /// </summary>
    Task<bool> AddReportAsync(StoredReport report, CancellationToken cancel = default);

    /// <summary>A stored report's owner and summary, or null when no report has that id.</summary>
    Task<(string AgentId, ReportRow Report)?> FindReportAsync(Guid reportId, CancellationToken cancel = default);

    /// <summary>Enrolled hosts with their latest report, by host name, one page at a time.</summary>
    Task<HostPage> ListHostsAsync(HostQuery query, CancellationToken cancel = default);

    /// <summary>One host with its current verdicts, up to <paramref name="historyLimit"/> reports and refusals, or null.</summary>
    Task<HostDetail?> GetHostAsync(string agentId, int historyLimit, CancellationToken cancel = default);

    /// <summary>One control's current verdict on every host under every profile it is judged against, by host name.</summary>
    Task<IReadOnlyList<ControlVerdictOnHost>> ControlAcrossFleetAsync(string controlId, CancellationToken cancel = default);

    /// <summary>Compliance with a profile per day since <paramref name="since"/>, as judged when each report arrived, oldest first.</summary>
    Task<IReadOnlyList<CompliancePoint>> ComplianceOverTimeAsync(string profileId, DateTimeOffset since, CancellationToken cancel = default);
}
