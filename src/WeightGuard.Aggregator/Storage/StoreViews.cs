using WeightGuard.Core.Reports;

namespace WeightGuard.Aggregator.Storage;

/// <summary>One enrolled host with its latest report and the current judgement of it.</summary>
/// <param name="AgentId">The agent's id.</param>
/// <param name="Hostname">The name the host enrolled with: its identity (waivers, attestations and policy match on it).</param>
/// <param name="EnrolledAt">When it enrolled.</param>
/// <param name="RevokedAt">When it was revoked, or null.</param>
/// <param name="HasTpm">True when it enrolled with a TPM (its reports must be attested).</param>
/// <param name="EkCertified">True when its EK certificate chained to a manufacturer CA.</param>
/// <param name="Latest">Its latest report, or null when it has not reported yet.</param>
public sealed record HostRow(string AgentId, string Hostname, DateTimeOffset EnrolledAt, DateTimeOffset? RevokedAt, bool HasTpm,
    bool EkCertified, ReportRow? Latest)
{
    /// <summary>Its labels, in ordinal order.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];
    /// <summary>Its RAND standing from the current judgement, or null before its first report.</summary>
    public RandStanding? Rand { get; init; }
    /// <summary>Its latest verified quote differs from its PCR baseline.</summary>
    public bool PcrDrift { get; init; }
    /// <summary>One per profile it is judged against; empty before its first report.</summary>
    public IReadOnlyList<ProfileAssessment> Assessments { get; init; } = [];
    /// <summary>The last submission refused because its attestation did not hold, or null.</summary>
    public Refusal? LastRefusal { get; init; }
    /// <summary>When the current judgement must be made again, or null.</summary>
    public DateTimeOffset? JudgedUntil { get; init; }
}

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
/// <param name="ProfileId">The profile the agent scanned with.</param>
/// <param name="Attestation"><c>verified</c> or <c>absent</c>.</param>
/// <param name="Judgement">What the aggregator judged when it arrived: per profile, the RAND standing, and the waivers and attestations in force.</param>
/// <param name="AgentRand">The RAND standing the agent claimed.</param>
/// <param name="ReportedName">The host name the report gave.</param>
public sealed record ReportRow(Guid ReportId, DateTimeOffset ReceivedAt, string ProfileId, string Attestation, ReportJudgement Judgement,
    string AgentRand, string ReportedName);

/// <summary>One host with its current verdicts, its report history (newest first) and its refused submissions (newest first).</summary>
/// <param name="Host">The host.</param>
/// <param name="Verdicts">The current judgement's verdicts, per profile.</param>
/// <param name="History">Its reports, newest first, each with what was judged at the time.</param>
/// <param name="Refusals">Submissions refused because their attestation did not hold, newest first.</param>
public sealed record HostDetail(HostRow Host, IReadOnlyList<CurrentVerdict> Verdicts, IReadOnlyList<ReportRow> History, IReadOnlyList<Refusal> Refusals);

/// <summary>Compliance with one profile on one day (UTC), from each host's last report of that day as judged then.</summary>
/// <param name="Day">The day.</param>
/// <param name="Hosts">Hosts judged against the profile that day.</param>
/// <param name="Compliant">Of those, hosts with no failed and no erred control.</param>
/// <param name="RandLevels">Hosts per RAND level whose host controls were met.</param>
public sealed record CompliancePoint(DateOnly Day, int Hosts, int Compliant, IReadOnlyDictionary<string, int> RandLevels);
