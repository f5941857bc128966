using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evaluation;

namespace WeightGuard.Core.Reports;

/// <summary>A scan report, <c>weightguard.report/v1</c>: evidence, one result per control, and a summary.</summary>
public sealed record Report
{
    /// <summary>The schema identifier of this shape.</summary>
    public const string SchemaId = "weightguard.report/v1";

    /// <summary>Always <see cref="SchemaId"/>.</summary>
    public string Schema { get; init; } = SchemaId;
    /// <summary>Unique per scan; the aggregator stores each report once by this id.</summary>
    public required Guid ReportId { get; init; }
    /// <summary>The scanned host.</summary>
    public required Evidence.HostIdentity Host { get; init; }
    /// <summary>The agent that scanned.</summary>
    public required AgentInfo Agent { get; init; }
    /// <summary>When collection started (UTC).</summary>
    public required DateTimeOffset StartedAt { get; init; }
    /// <summary>When evaluation finished (UTC).</summary>
    public required DateTimeOffset FinishedAt { get; init; }
    /// <summary>The profile judged against.</summary>
    public required ProfileInfo Profile { get; init; }
    /// <summary>Everything observed.</summary>
    public required Evidence.Evidence Evidence { get; init; }
    /// <summary>One result per control of the profile, by control id.</summary>
    public required IReadOnlyList<ControlResult> Results { get; init; }
    /// <summary>Counts and the host's RAND standing.</summary>
    public required Summary Summary { get; init; }
}

/// <summary>The agent that made a report.</summary>
/// <param name="Version">WeightGuard version.</param>
public sealed record AgentInfo(string Version);

/// <summary>The profile a report was judged against.</summary>
/// <param name="Id">Profile id.</param>
/// <param name="Title">Profile title.</param>
/// <param name="Digest"><c>sha256:</c> over the profile chain and its controls' source.</param>
public sealed record ProfileInfo(string Id, string Title, string Digest);

/// <summary>The verdict on one control.</summary>
public sealed record ControlResult
{
    /// <summary>The control.</summary>
    public required string ControlId { get; init; }
    /// <summary>Its title.</summary>
    public required string Title { get; init; }
    /// <summary>The verdict.</summary>
    public required ControlStatus Status { get; init; }
    /// <summary>The control's severity.</summary>
    public required Severity Severity { get; init; }
    /// <summary>What was found.</summary>
    public required string Message { get; init; }
    /// <summary>JSON pointers into this report's evidence.</summary>
    public required IReadOnlyList<string> Evidence { get; init; }
    /// <summary>
    /// Framework clauses the control answers, by framework: each names the document version, the place and the mapping
    /// status, e.g. <c>RAND RR-A2849-1 (2024) table 6.3: SL3 (derived)</c>.
    /// </summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> References { get; init; }
    /// <summary>The control's revision when it was judged (changes with the control's logic); null in reports made before revisions.</summary>
    public int? Revision { get; init; }
    /// <summary>How to fix it on this host's platform; present for failed, waived and manual results only.</summary>
    public string? Remediation { get; init; }
    /// <summary>
    /// For an <c>error</c> result only: what to do so that WeightGuard can check the control (the message says why it could
    /// not); null otherwise.
    /// </summary>
    public string? Guidance { get; init; }
    /// <summary>The waiver that applied or that was ignored because it had expired; null when none matched.</summary>
    public WaiverNote? Waiver { get; init; }
    /// <summary>The attestation in force that made a manual control <c>attested</c>; null otherwise.</summary>
    public AttestationNote? Attestation { get; init; }
}

/// <summary>The manual attestation behind an <c>attested</c> result.</summary>
/// <param name="Id">The attestation's id.</param>
/// <param name="Attestor">Who attested.</param>
/// <param name="Statement">What they stated.</param>
/// <param name="EvidenceRef">A URL or <c>sha256:</c> of the supporting document, when given.</param>
/// <param name="RecordedAt">When it was recorded.</param>
/// <param name="Expires">When it stops being in force.</param>
public sealed record AttestationNote(string Id, string Attestor, string Statement, string? EvidenceRef, DateTimeOffset RecordedAt, DateTimeOffset Expires);

/// <summary>A waiver that matched a failing control.</summary>
/// <param name="Approver">Who approved it.</param>
/// <param name="Justification">Why.</param>
/// <param name="Expires">Last valid day.</param>
/// <param name="Expired">True when it had expired and was ignored.</param>
public sealed record WaiverNote(string Approver, string Justification, DateOnly Expires, bool Expired);

/// <summary>Counts per status and the host's RAND standing.</summary>
public sealed record Summary
{
    /// <summary>Controls that passed.</summary>
    public required int Pass { get; init; }
    /// <summary>Controls that failed.</summary>
    public required int Fail { get; init; }
    /// <summary>Controls whose evidence could not be collected.</summary>
    public required int Error { get; init; }
    /// <summary>Controls that do not apply.</summary>
    public required int NotApplicable { get; init; }
    /// <summary>Failures covered by a valid waiver.</summary>
    public required int Waived { get; init; }
    /// <summary>Manual controls no attestation in force covers (pending a person's attestation).</summary>
    public required int Manual { get; init; }
    /// <summary>Manual controls a person's attestation in force covers.</summary>
    public required int Attested { get; init; }
    /// <summary>Where the host stands on the RAND SL1–SL5 ladder, whatever profile this report was judged against.</summary>
    public required RandStanding Rand { get; init; }
}

/// <summary>
/// Where a host stands on the RAND ladder (profiles <c>rand-sl1</c>…<c>rand-sl5</c>, each level judged with its own
/// parameters). Two figures, never one: what the host shows, and what is also vouched for by people.
/// </summary>
/// <param name="HostControlsMet">
/// The highest level <c>SLn</c> such that, at every level up to it, every automated control passes or does not apply:
/// none fails, errs or is waived (a waiver is an accepted risk, not a met control). <c>SL0</c> when SL1 is not met.
/// </param>
/// <param name="Attested">
/// The highest level up to <paramref name="HostControlsMet"/> at which every manual control up to it also holds an
/// attestation in force.
/// </param>
/// <param name="PendingAttestations">Manual controls up to <paramref name="HostControlsMet"/> that no attestation in force covers.</param>
public sealed record RandStanding(string HostControlsMet, string Attested, int PendingAttestations)
{
    /// <summary>How reports and pages say it: <c>RAND SL3 host controls met; attested SL1, 4 attestations pending</c>.</summary>
    public override string ToString() =>
        $"RAND {HostControlsMet} host controls met; attested {Attested}" +
        (PendingAttestations == 0 ? "" : $", {PendingAttestations} attestation{(PendingAttestations == 1 ? "" : "s")} pending");
}
