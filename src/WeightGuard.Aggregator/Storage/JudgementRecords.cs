using WeightGuard.Core.Reports;

namespace WeightGuard.Aggregator.Storage;

/// <summary>A host's standing against one profile, from the judgement of its latest report.</summary>
/// <param name="Profile">The profile.</param>
/// <param name="Assigned">False when no policy assignment covers the host and it is judged against the fallback profile.</param>
/// <param name="Passed">Controls that passed.</param>
/// <param name="Failed">Controls that failed.</param>
/// <param name="Errors">Controls that could not be judged.</param>
/// <param name="NotApplicable">Controls that do not apply.</param>
/// <param name="Waived">Failures covered by a waiver in force (accepted risks).</param>
/// <param name="Manual">Manual controls no attestation in force covers.</param>
/// <param name="Attested">Manual controls an attestation in force covers.</param>
public sealed record ProfileAssessment(string Profile, bool Assigned, int Passed, int Failed, int Errors, int NotApplicable, int Waived, int Manual,
    int Attested);

/// <summary>One control's verdict on a host under one assigned profile, from the judgement of its latest report.</summary>
/// <param name="Profile">The profile.</param>
/// <param name="ControlId">The control.</param>
/// <param name="Status">The verdict (kebab-case).</param>
/// <param name="Severity">The control's severity.</param>
public sealed record CurrentVerdict(string Profile, string ControlId, string Status, string Severity);

/// <summary>
/// The judgement of a host's latest report under the current policy, waivers and attestations: what every page and the
/// API read. Kept up to date at ingest and whenever the policy, a waiver, an attestation or a baseline changes; recomputed
/// once <paramref name="ValidUntil"/> passes (a waiver or attestation it relied on expires then).
/// </summary>
/// <param name="ReportId">The report judged.</param>
/// <param name="Rand">The host's RAND standing.</param>
/// <param name="PcrDrift">The report's verified quote differs from the host's PCR baseline.</param>
/// <param name="ValidUntil">When the judgement must be made again, or null when nothing in it expires.</param>
/// <param name="Assessments">One per profile the host is judged against.</param>
/// <param name="Verdicts">Every control of every such profile.</param>
public sealed record CurrentJudgement(Guid ReportId, RandStanding Rand, bool PcrDrift, DateTimeOffset? ValidUntil,
    IReadOnlyList<ProfileAssessment> Assessments, IReadOnlyList<CurrentVerdict> Verdicts);

/// <summary>What was judged when a report arrived, kept with it for history and evidence bundles.</summary>
/// <param name="JudgedAt">The instant judged (when the report was received).</param>
/// <param name="Assessments">One per profile the host was judged against then.</param>
/// <param name="Rand">The host's RAND standing then.</param>
/// <param name="Waivers">The waivers that applied then (ids or catalogue locations).</param>
/// <param name="Attestations">The manual attestations that applied then (ids).</param>
public sealed record ReportJudgement(DateTimeOffset JudgedAt, IReadOnlyList<ProfileAssessment> Assessments, RandStanding Rand,
    IReadOnlyList<string> Waivers, IReadOnlyList<string> Attestations);

/// <summary>A submission from an enrolled agent that the aggregator refused because its attestation did not hold.</summary>
/// <param name="At">When.</param>
/// <param name="Check">What failed: <c>nonce</c>, <c>quote</c>, <c>event-log</c> or <c>attestation</c>.</param>
/// <param name="Detail">What was expected and what was found.</param>
public sealed record Refusal(DateTimeOffset At, string Check, string Detail);

/// <summary>The fleet policy as stored, with who set it and when.</summary>
/// <param name="Text">The YAML.</param>
/// <param name="UpdatedAt">When it was applied.</param>
/// <param name="UpdatedBy">Who applied it.</param>
public sealed record StoredPolicy(string Text, DateTimeOffset UpdatedAt, string UpdatedBy);

/// <summary>A manual attestation recorded at the aggregator.</summary>
/// <param name="AttestationId">Its id.</param>
/// <param name="ControlId">The manual control.</param>
/// <param name="Hosts">Name glob, or null.</param>
/// <param name="Labels">Labels the host must carry.</param>
/// <param name="Statement">What the attestor states.</param>
/// <param name="EvidenceRef">A URL or <c>sha256:</c> of a document, or null.</param>
/// <param name="Attestor">The API token's name.</param>
/// <param name="RecordedAt">When it was recorded.</param>
/// <param name="Expires">When it stops being in force.</param>
/// <param name="WithdrawnAt">When it was withdrawn, or null.</param>
public sealed record StoredAttestation(Guid AttestationId, string ControlId, string? Hosts, IReadOnlyDictionary<string, string> Labels, string Statement,
    string? EvidenceRef, string Attestor, DateTimeOffset RecordedAt, DateTimeOffset Expires, DateTimeOffset? WithdrawnAt = null)
{
    /// <summary>The attestation as the evaluator takes it.</summary>
    public Core.Catalog.ManualAttestation ToAttestation() => new()
    {
        ControlId = ControlId, Hosts = new Core.Catalog.HostSelector(Hosts, Labels), Statement = Statement, EvidenceRef = EvidenceRef,
        Attestor = Attestor, RecordedAt = RecordedAt, Expires = Expires, WithdrawnAt = WithdrawnAt, Id = AttestationId.ToString(),
    };
}

/// <summary>One control's verdict on one host, as the control page lists it.</summary>
/// <param name="AgentId">The agent.</param>
/// <param name="Hostname">The host's enrolled name.</param>
/// <param name="Profile">The profile it was judged under.</param>
/// <param name="Status">The verdict.</param>
/// <param name="ReportId">The report judged.</param>
/// <param name="ReceivedAt">When that report arrived.</param>
public sealed record ControlVerdictOnHost(string AgentId, string Hostname, string Profile, string Status, Guid ReportId, DateTimeOffset ReceivedAt);

/// <summary>A failed or erred control on one host under one profile, for the fix-first ranking.</summary>
/// <param name="AgentId">The agent.</param>
/// <param name="Profile">The profile.</param>
/// <param name="ControlId">The control.</param>
/// <param name="Status"><c>fail</c> or <c>error</c>.</param>
/// <param name="Severity">The control's severity.</param>
public sealed record FailingVerdict(string AgentId, string Profile, string ControlId, string Status, string Severity);
