// Seeds an aggregator data directory (SQLite) with N hosts enrolled without a TPM, each with one report made from a real
// report of this machine (its own host name and report id) and judged as ingest judges it, for run.sh to export.
// Usage: ExportBench --data DIR --hosts N --report REPORT.json
using System.Globalization;
using System.Text.Json;
using WeightGuard.Aggregator.Hosting;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Catalog;
using Microsoft.Extensions.Logging.Abstractions;
using WeightGuard.Aggregator.Judgement;
using WeightGuard.Core.Reports;

var options = args.Chunk(2).ToDictionary(p => p[0].TrimStart('-'), p => p[1]);
var hosts = int.Parse(options["hosts"], CultureInfo.InvariantCulture);
var template = JsonSerializer.Deserialize(File.ReadAllBytes(options["report"]), WeightGuardJsonContext.Default.Report)!;
var data = new DataDirectory(options["data"]);
var database = "sqlite:" + Path.Combine(data.Path, "aggregator.db");
data.Initialize(database, [], DateTimeOffset.UtcNow);
await using var store = DatabaseLocation.Open(database);
await store.MigrateAsync();
var catalog = EmbeddedCatalog.Load(typeof(AggregatorApp).Assembly).Catalog!;
var inputs = await new FleetJudge(store, catalog, TimeProvider.System, NullLogger<FleetJudge>.Instance).InputsAsync(CancellationToken.None);
var now = DateTimeOffset.UtcNow;
for (var i = 0; i < hosts; i++)
{
    var hostname = $"gpu-{i:D5}";
    var agentId = Guid.NewGuid().ToString();
    await store.AddAgentAsync(new AgentRecord(agentId, hostname, null, null, false, now));
    var report = template with { ReportId = Guid.NewGuid(), Host = template.Host with { Hostname = hostname, MachineId = null } };
    // Judged as ingest judges it (the fleet policy's profiles for the enrolled name), so that the export re-derives the same.
    var judged = FleetJudge.Judge(inputs, HostSubject.Named(hostname), report.ReportId, report, now, false);
    await store.AddReportAsync(new StoredReport(report.ReportId, agentId, hostname, now, report.Profile.Id, "absent", judged.AtReceipt,
        report.Summary.Rand.HostControlsMet, JsonSerializer.Serialize(report, WeightGuardJsonContext.Default.Report), judged.Current));
}
Console.WriteLine($"Seeded {hosts} hosts into {data.Path}");
