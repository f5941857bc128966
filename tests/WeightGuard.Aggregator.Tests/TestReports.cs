using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Evidence;
using WeightGuard.Core.Reports;

namespace WeightGuard.Aggregator.Tests;

/// <summary>Reports as an agent would make them: small evidence, judged with the built-in catalogue.</summary>
internal static class TestReports
{
    public const string Profile = "rand-sl1";

    public static Catalog Catalog { get; } = EmbeddedCatalog.Load(typeof(Hosting.AggregatorApp).Assembly).Catalog!;

    /// <summary>A report for <paramref name="hostname"/> whose evidence says the host has no TPM (so WG-TPM-001 fails).</summary>
    public static Report Create(string hostname, DateTimeOffset now)
    {
        var evidence = new Core.Evidence.Evidence
        {
            Host = new HostIdentity { Hostname = hostname, Os = "Debian GNU/Linux 12", Kernel = "6.1.0", Arch = "x64", Platform = "linux" },
            Tpm = new TpmEvidence { Present = false, Source = "none" },
        };
        var profile = Catalog.Resolve(Profile);
        var evaluation = Evaluator.Evaluate(Catalog, Profile, evidence, now);
        return new Report
        {
            ReportId = Guid.NewGuid(), Host = evidence.Host, Agent = new AgentInfo("0.1.0"), StartedAt = now, FinishedAt = now,
            Profile = new ProfileInfo(Profile, profile.Definition.Title, profile.Digest), Evidence = evidence,
            Results = evaluation.Results, Summary = evaluation.Summary,
        };
    }

    /// <summary>The same report with every verdict claimed as a pass and the top RAND level.</summary>
    public static Report ClaimingPass(Report report) => report with
    {
        Results = report.Results.Select(r => r with { Status = ControlStatus.Pass }).ToList(),
        Summary = report.Summary with
        {
            Pass = report.Results.Count, Fail = 0, Error = 0, NotApplicable = 0, Waived = 0, Manual = 0, Attested = 0, Rand = new RandStanding("SL5", "SL5", 0),
        },
    };
}
