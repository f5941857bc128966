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
    public static Report Create(string hostname, DateTimeOffset now) => Create(hostname, now, Profile);

    /// <summary>
    /// A report for <paramref name="hostname"/> scanned with <paramref name="profile"/> (of <paramref name="catalog"/>, the
    /// built-in one by default) whose evidence says the host has no TPM and, when given, who can read its weights.
    /// </summary>
    public static Report Create(string hostname, DateTimeOffset now, string profile, AccessEvidence? access = null, Catalog? catalog = null)
    {
        catalog ??= Catalog;
        var evidence = new Core.Evidence.Evidence
        {
            Host = new HostIdentity { Hostname = hostname, Os = "Debian GNU/Linux 12", Kernel = "6.1.0", Arch = "x64", Platform = "linux" },
            Tpm = new TpmEvidence { Present = false, Source = "none" },
            Access = access,
        };
        var definition = catalog.Resolve(profile);
        var evaluation = Evaluator.Evaluate(catalog, profile, evidence, now);
        return new Report
        {
            ReportId = Guid.NewGuid(), Host = evidence.Host, Agent = new AgentInfo("0.1.0"), StartedAt = now, FinishedAt = now,
            Profile = new ProfileInfo(profile, definition.Definition.Title, definition.Digest), Evidence = evidence,
            Results = evaluation.Results, Summary = evaluation.Summary,
        };
    }

    /// <summary>Access to one weight file: a person (a login shell) reads it when <paramref name="peopleRead"/>, else only the serving account.</summary>
    public static AccessEvidence WeightFile(bool peopleRead) => new()
    {
        Files =
        [
            new WeightFileAccess
            {
                Path = "/models/llm/model.safetensors", Mode = "0640", Owner = "weights", Uid = 990, Group = "weights", Gid = 990, Acl = [],
                OwnerHasLoginShell = false, WorldReadable = false, WorldWritable = false,
                Readers = peopleRead ? [new Reader("svc-serve", 990, false, "owner"), new Reader("alice", 1000, true, "group:weights")]
                    : [new Reader("svc-serve", 990, false, "owner")],
            },
        ],
        Directories = [], HumanAccounts = ["alice"], Errors = [],
    };

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
