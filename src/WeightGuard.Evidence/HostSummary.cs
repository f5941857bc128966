using WeightGuard.Core.Reports;

namespace WeightGuard.Evidence;

/// <summary>One host of a verified bundle, for the working paper.</summary>
/// <param name="AgentId">Its folder (the agent id).</param>
/// <param name="Name">The name it enrolled with, when <c>host.json</c> could be read.</param>
/// <param name="Attestation"><c>tpm</c> or <c>none</c>, when <c>host.json</c> could be read.</param>
/// <param name="Reports">Its reports in report id order.</param>
public sealed record HostSummary(string AgentId, string? Name, string? Attestation, IReadOnlyList<ReportSummary> Reports)
{
    /// <summary>The earliest report's finish time, when any report could be read.</summary>
    public DateTimeOffset? FirstReport => Reports.Min(r => r.FinishedAt);
    /// <summary>The latest report's finish time, when any report could be read.</summary>
    public DateTimeOffset? LastReport => Reports.Max(r => r.FinishedAt);
}

/// <summary>One report of a verified bundle: what was proven about it, and its verdict counts per profile.</summary>
/// <param name="ReportId">The report id (its folder).</param>
/// <param name="FinishedAt">When the agent finished the scan, when the report could be read.</param>
/// <param name="Quote"><see cref="Verified"/>, <see cref="Failed"/>, <see cref="Absent"/>, <see cref="NoTpm"/> or <see cref="NotChecked"/>.</param>
/// <param name="EventLog"><see cref="Replayed"/>, <see cref="Failed"/>, <see cref="Absent"/>, <see cref="NoTpm"/> or <see cref="NotChecked"/>.</param>
/// <param name="Verdicts"><see cref="Reproduced"/>, <see cref="Failed"/> or <see cref="NotChecked"/>.</param>
/// <param name="Profiles">The verdict counts of <c>verdicts.json</c>, per profile judged.</param>
public sealed record ReportSummary(string ReportId, DateTimeOffset? FinishedAt, string Quote, string EventLog, string Verdicts, IReadOnlyList<ProfileCounts>? Profiles = null)
{
    /// <summary>The quote verified under the host's attestation key, bound to this report's evidence.</summary>
    public const string Verified = "verified";
    /// <summary>The event log replays to the quoted PCRs.</summary>
    public const string Replayed = "replayed";
    /// <summary>The verdicts re-derive byte for byte.</summary>
    public const string Reproduced = "reproduced";
    /// <summary>The check was made and does not hold.</summary>
    public const string Failed = "failed";
    /// <summary>The host enrolled with a TPM but the report carries none (a quote: a problem; an event log: the agent could not read one).</summary>
    public const string Absent = "absent";
    /// <summary>The host enrolled without a TPM: nothing to check.</summary>
    public const string NoTpm = "no-tpm";
    /// <summary>Could not be checked: something it depends on is missing or damaged (named among the problems).</summary>
    public const string NotChecked = "not-checked";
}

/// <summary>Verdict counts of one report against one profile.</summary>
/// <param name="Profile">The profile id.</param>
/// <param name="Pass">Controls that passed.</param>
/// <param name="Fail">Controls that failed.</param>
/// <param name="Error">Controls that could not be checked.</param>
/// <param name="NotApplicable">Controls that do not apply.</param>
/// <param name="Waived">Failures under a waiver.</param>
/// <param name="Manual">Manual controls awaiting an attestation.</param>
/// <param name="Attested">Manual controls attested.</param>
public sealed record ProfileCounts(string Profile, int Pass, int Fail, int Error, int NotApplicable, int Waived, int Manual, int Attested)
{
    /// <summary>The counts of <paramref name="summary"/>.</summary>
    public static ProfileCounts Of(string profile, Summary summary) =>
        new(profile, summary.Pass, summary.Fail, summary.Error, summary.NotApplicable, summary.Waived, summary.Manual, summary.Attested);
}
