namespace WeightGuard.Aggregator.Storage;

/// <summary>A stored report with its body, as the host page and the evidence export read it.</summary>
/// <param name="ReportId">The report.</param>
/// <param name="AgentId">The agent that sent it.</param>
/// <param name="ReceivedAt">When the aggregator accepted (and judged) it.</param>
/// <param name="ProfileId">The profile it was judged against.</param>
/// <param name="ReportJson">The report as submitted.</param>
/// <param name="AttestationJson">The quote as submitted, or null for a host without a TPM.</param>
public sealed record StoredReportBody(Guid ReportId, string AgentId, DateTimeOffset ReceivedAt, string ProfileId, string ReportJson, string? AttestationJson)
{
    /// <summary>What was judged when it arrived; null only for a report not stored yet.</summary>
    public ReportJudgement Judgement { get; init; } = null!;
}

/// <summary>The report whose quoted PCR values a host's later quotes are compared with.</summary>
/// <param name="ReportId">The baseline report.</param>
/// <param name="ReceivedAt">When it was received.</param>
/// <param name="AttestationJson">Its quote as submitted.</param>
/// <param name="SetBy">The admin who chose it, or null when it is the host's first verified report.</param>
/// <param name="SetAt">When the admin chose it.</param>
public sealed record PcrBaseline(Guid ReportId, DateTimeOffset ReceivedAt, string AttestationJson, string? SetBy, DateTimeOffset? SetAt);

/// <summary>A host's last report of one day against one profile, as judged when it arrived.</summary>
/// <param name="AgentId">The host.</param>
/// <param name="Day">The day (UTC).</param>
/// <param name="Compliant">No control failed or erred.</param>
/// <param name="HostControlsMet">The RAND level whose host controls were met.</param>
public sealed record DailyAssessment(string AgentId, DateOnly Day, bool Compliant, string HostControlsMet);
