// Seeds an initialised aggregator's store directly with a fleet: HOSTS hosts without a TPM, two reports each (a week
// apart, so the trend has points), judged with the built-in catalogue against rand-sl1..3, a third labelled.
// Usage: DashboardBench DATA_DIR HOSTS; prints one agent id (for the host page) on its last line.
using System.Text.Json;
using WeightGuard.Aggregator.Hosting;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Evidence;
using WeightGuard.Core.Reports;

var data = new DataDirectory(args[0]);
var hosts = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
await using var store = DatabaseLocation.Open(data.RecordedDatabase());
await store.MigrateAsync();
var catalog = EmbeddedCatalog.Load(typeof(AggregatorApp).Assembly).Catalog!;
string[] profiles = ["rand-sl1", "rand-sl2", "rand-sl3"];
var now = DateTimeOffset.UtcNow;
string Kebab<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
string? last = null;
for (var i = 0; i < hosts; i++)
{
    var agentId = Guid.NewGuid().ToString();
    var hostname = $"gpu-{i:00000}";
    await store.AddAgentAsync(new AgentRecord(agentId, hostname, $"machine-{i:00000}", null, false, now.AddDays(-8)));
    var profile = profiles[i % profiles.Length];
    foreach (var at in new[] { now.AddDays(-7), now })
    {
        var host = new HostIdentity { Hostname = hostname, MachineId = $"machine-{i:00000}", Os = "Debian GNU/Linux 12", Kernel = "6.1.0", Arch = "x64", Platform = "linux" };
        var evidence = new Evidence { Host = host, Tpm = new TpmEvidence { Present = i % 4 == 0, Source = "none" } };
        var evaluation = Evaluator.Evaluate(catalog, profile, evidence, at);
        var resolved = catalog.Resolve(profile);
        var report = new Report
        {
            ReportId = Guid.NewGuid(), Host = host, Agent = new AgentInfo("0.1.0"), StartedAt = at, FinishedAt = at,
            Profile = new ProfileInfo(profile, resolved.Definition.Title, resolved.Digest), Evidence = evidence,
            Results = evaluation.Results, Summary = evaluation.Summary,
        };
        var s = evaluation.Summary;
        await store.AddReportAsync(new StoredReport(report.ReportId, agentId, hostname, at, profile, "absent",
            new VerdictCounts(s.Pass, s.Fail, s.Error, s.NotApplicable, s.Waived, s.Manual, s.RandLevelAchieved), s.RandLevelAchieved,
            JsonSerializer.Serialize(report, WeightGuardJsonContext.Default.Report),
            evaluation.Results.Select(r => new StoredVerdict(r.ControlId, Kebab(r.Status), Kebab(r.Status), Kebab(r.Severity))).ToList()));
    }
    if (i % 3 == 0) await store.SetHostLabelsAsync(agentId, i % 2 == 0 ? ["training", "eu"] : ["training"]);
    last = agentId;
}
Console.WriteLine(last);
