using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Reports;

namespace WeightGuard.Aggregator.Tests;

/// <summary>
/// Stored reports as ingest makes them, for the store contract tests: the judgement kept with the report and the current
/// judgement are the same, with assessments counted from the verdicts given.
/// </summary>
internal static class StoredReports
{
    /// <summary>The profile an agent scanned with (the store keeps it; it plays no part in the judgement).</summary>
    public const string ScannedProfile = "rand-sl2";

    /// <summary>A verdict under <paramref name="profile"/>.</summary>
    public static CurrentVerdict Verdict(string control, string status, string profile = "rand-sl1", string severity = "high") =>
        new(profile, control, status, severity);

    /// <summary>
    /// A report from <paramref name="agentId"/> naming <paramref name="reportedName"/>, judged at <paramref name="at"/> with
    /// <paramref name="verdicts"/> (one empty rand-sl1 assessment when there are none).
    /// </summary>
    public static StoredReport Create(string agentId, string reportedName, DateTimeOffset at, string hostControlsMet, IReadOnlyList<CurrentVerdict> verdicts,
        string attestation = "absent", string? quote = null)
    {
        var rand = new RandStanding(hostControlsMet, "SL0", 3);
        var assessments = Assessments(verdicts);
        var id = Guid.NewGuid();
        return new StoredReport(id, agentId, reportedName, at, ScannedProfile, attestation, new ReportJudgement(at, assessments, rand, ["waiver-1"], []), "SL5",
            $"{{\"at\":\"{at:O}\"}}", new CurrentJudgement(id, rand, false, null, assessments, verdicts)) { AttestationJson = quote };
    }

    /// <summary>One assessment per profile, counted from <paramref name="verdicts"/>.</summary>
    public static List<ProfileAssessment> Assessments(IReadOnlyList<CurrentVerdict> verdicts, bool assigned = true) => verdicts.Count == 0
        ? [new ProfileAssessment("rand-sl1", false, 0, 0, 0, 0, 0, 0, 0)]
        : verdicts.GroupBy(v => v.Profile).Select(g => new ProfileAssessment(g.Key, assigned, Count(g, "pass"), Count(g, "fail"), Count(g, "error"),
            Count(g, "not-applicable"), Count(g, "waived"), Count(g, "manual"), Count(g, "attested"))).ToList();

    /// <summary>A current judgement of <paramref name="reportId"/> with <paramref name="verdicts"/>.</summary>
    public static CurrentJudgement JudgementOf(Guid reportId, string hostControlsMet, IReadOnlyList<CurrentVerdict> verdicts, DateTimeOffset? validUntil = null,
        bool pcrDrift = false) =>
        new(reportId, new RandStanding(hostControlsMet, "SL1", 2), pcrDrift, validUntil, Assessments(verdicts), verdicts);

    private static int Count(IEnumerable<CurrentVerdict> verdicts, string status) => verdicts.Count(v => v.Status == status);
}
