namespace WeightGuard.Aggregator.Storage;

/// <summary>One host in the fleet with its latest report, as the fleet page lists it.</summary>
/// <param name="AgentId">The agent's id.</param>
/// <param name="Hostname">Host name (from the latest report, else from enrolment).</param>
/// <param name="EnrolledAt">When it enrolled.</param>
/// <param name="RevokedAt">When it was revoked, or null.</param>
/// <param name="HasTpm">True when it enrolled with a TPM (its reports must be attested).</param>
/// <param name="EkCertified">True when its EK certificate chained to a manufacturer CA.</param>
/// <param name="Latest">Its latest report, or null when it has not reported yet.</param>
public sealed record HostRow(string AgentId, string Hostname, DateTimeOffset EnrolledAt, DateTimeOffset? RevokedAt, bool HasTpm,
    bool EkCertified, ReportRow? Latest);

/// <summary>Which hosts to list: those whose name contains <paramref name="Search"/> (any case), a page at a time, by name.</summary>
/// <param name="Search">Part of a host name, or null for every host.</param>
/// <param name="Offset">Hosts to skip.</param>
/// <param name="Limit">Most hosts to return.</param>
public sealed record HostQuery(string? Search = null, int Offset = 0, int Limit = 1000);

/// <summary>One page of hosts and how many match in all.</summary>
/// <param name="Total">Hosts matching the query.</param>
/// <param name="Hosts">This page, by host name.</param>
public sealed record HostPage(int Total, IReadOnlyList<HostRow> Hosts);

/// <summary>A stored report without its body.</summary>
/// <param name="ReportId">The report.</param>
/// <param name="ReceivedAt">When it was accepted.</param>
/// <param name="ProfileId">Its profile.</param>
/// <param name="Attestation"><c>verified</c> or <c>absent</c>.</param>
/// <param name="Summary">The aggregator's counts and RAND level.</param>
/// <param name="AgentRandLevel">The RAND level the agent claimed.</param>
public sealed record ReportRow(Guid ReportId, DateTimeOffset ReceivedAt, string ProfileId, string Attestation, VerdictCounts Summary,
    string AgentRandLevel);

/// <summary>One host with its latest verdicts and its report history, newest first.</summary>
/// <param name="Host">The host.</param>
/// <param name="Verdicts">The verdicts of its latest report.</param>
/// <param name="History">Its reports, newest first.</param>
public sealed record HostDetail(HostRow Host, IReadOnlyList<StoredVerdict> Verdicts, IReadOnlyList<ReportRow> History);

/// <summary>One control on one host, from that host's latest report.</summary>
/// <param name="AgentId">The agent.</param>
/// <param name="Hostname">The host.</param>
/// <param name="ReportId">The report the verdict comes from.</param>
/// <param name="ReceivedAt">When that report was accepted.</param>
/// <param name="Status">The aggregator's verdict.</param>
/// <param name="AgentStatus">What the agent claimed.</param>
public sealed record ControlOnHost(string AgentId, string Hostname, Guid ReportId, DateTimeOffset ReceivedAt, string Status, string? AgentStatus);

/// <summary>Compliance with one profile on one day (UTC), from each host's last report of that day.</summary>
/// <param name="Day">The day.</param>
/// <param name="Hosts">Hosts that reported against the profile that day.</param>
/// <param name="Compliant">Of those, hosts with no failed and no erred control.</param>
/// <param name="RandLevels">Hosts per RAND level achieved.</param>
public sealed record CompliancePoint(DateOnly Day, int Hosts, int Compliant, IReadOnlyDictionary<string, int> RandLevels);
