// Seeds an initialised aggregator's store with a fleet through the store layer, judged as ingest judges (FleetJudge.Judge
// under a stored policy): HOSTS hosts named gpu-NNNNNN from FIRST on, REPORTS reports each a day apart (the newest now),
// a third labelled "training" (half of those also "eu"), a quarter with a TPM, under a policy that assigns every host
// rand-sl2 and rand-sl3. Hosts fall into a few kinds of evidence; each kind is judged once and its judgement stored for
// every host of that kind, so seeding measures the store's ingest, not the evaluator (bench/aggregator measures that).
// Prints "seeded …" with the rate, then one agent id (for the host page) on its last line.
// Usage: FleetBench DB-LOCATION|DATA-DIR HOSTS REPORTS [FIRST]
using System.Diagnostics;
using System.Text.Json;
using WeightGuard.Aggregator.Hosting;
using WeightGuard.Aggregator.Judgement;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Evidence;
using WeightGuard.Core.Reports;

var location = Directory.Exists(args[0]) ? new DataDirectory(args[0]).RecordedDatabase() : args[0];
var hosts = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
var reports = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
var first = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 0;
await using var store = DatabaseLocation.Open(location);
await store.MigrateAsync();
var catalog = EmbeddedCatalog.Load(typeof(AggregatorApp).Assembly).Catalog!;
const string PolicyText = "staleAfter: 6h\nassignments:\n  - hosts: \"*\"\n    profiles: [rand-sl2, rand-sl3]\n";
var policy = CatalogLoader.LoadPolicy(new CatalogSource("policy", PolicyText), catalog).Policy!;
await store.SetPolicyAsync(new StoredPolicy(PolicyText, DateTimeOffset.UtcNow, "bench"));
var inputs = new JudgementInputs(catalog, policy);
var now = DateTimeOffset.UtcNow;

// One report per kind of host (TPM or not, LUKS or not), judged once per report age.
var kinds = new (string Body, JudgedReport[] Judged, string AgentRand)[4];
for (var k = 0; k < kinds.Length; k++)
{
    var host = new HostIdentity { Hostname = $"gpu-kind-{k}", MachineId = $"machine-{k}", Os = "Debian GNU/Linux 12", Kernel = "6.1.0", Arch = "x64", Platform = "linux" };
    var evidence = new Evidence
    {
        Host = host,
        Tpm = new TpmEvidence { Present = k % 2 == 0, Source = k % 2 == 0 ? "device:/dev/tpmrm0" : "none", Version = k % 2 == 0 ? "2.0" : null },
    };
    var evaluation = Evaluator.Evaluate(catalog, "rand-sl3", evidence, now);
    var resolved = catalog.Resolve("rand-sl3");
    var report = new Report
    {
        ReportId = Guid.NewGuid(), Host = host, Agent = new AgentInfo("0.1.0"), StartedAt = now, FinishedAt = now,
        Profile = new ProfileInfo("rand-sl3", resolved.Definition.Title, resolved.Digest), Evidence = evidence,
        Results = evaluation.Results, Summary = evaluation.Summary,
    };
    var judged = Enumerable.Range(0, reports).Select(r => FleetJudge.Judge(inputs, new HostSubject(host.Hostname, []), report.ReportId, report,
        now.AddDays(r - reports + 1), false)).ToArray();
    kinds[k] = (JsonSerializer.Serialize(report, WeightGuardJsonContext.Default.Report), judged, report.Summary.Rand.HostControlsMet);
}

var clock = Stopwatch.StartNew();
string? last = null;
await Parallel.ForEachAsync(Enumerable.Range(first, hosts), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, cancel) =>
{
    var agentId = Guid.NewGuid().ToString();
    var hostname = $"gpu-{i:000000}";
    var (body, judged, agentRand) = kinds[i % kinds.Length];
    await store.AddAgentAsync(new AgentRecord(agentId, hostname, $"machine-{i:000000}", i % 4 == 0 ? [1] : null, false, now.AddDays(-reports)), cancel);
    if (i % 3 == 0) await store.SetHostLabelsAsync(agentId, i % 2 == 0 ? ["training", "eu"] : ["training"], cancel);
    foreach (var j in judged)
    {
        var id = Guid.NewGuid();
        await store.AddReportAsync(new StoredReport(id, agentId, hostname, j.AtReceipt.JudgedAt, "rand-sl3", "absent", j.AtReceipt, agentRand, body,
            j.Current with { ReportId = id }), cancel);
    }
    last = agentId;
});
var seconds = clock.Elapsed.TotalSeconds;
Console.WriteLine($"seeded {hosts} hosts x {reports} reports through the store in {seconds:0.0} s = {hosts * reports / seconds:0} reports/s " +
    $"({kinds[0].Judged[0].Current.Verdicts.Count} current verdicts per host)");
Console.WriteLine(last);
