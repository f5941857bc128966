using System.Security.Cryptography;
using System.Text.Json;
using WeightGuard.Cli.Tests;

namespace WeightGuard.Evidence.Tests;

/// <summary><c>weightguard evidence verify</c> as an auditor's working paper: text, JSON and HTML, over good, tampered, damaged and chained bundles.</summary>
public class WorkingPaperTests : BundleFilesFixture
{
    private (int Exit, JsonElement Paper, string Stdout) Json(byte[] bundle, params string[] more)
    {
        var (exit, stdout, stderr) = WeightGuardProcess.Run(["evidence", "verify", Write("bundle.zip", bundle), "--trust", CaPem(), "--format", "json", .. more]);
        Assert.That(stderr, Is.Empty);
        return (exit, JsonDocument.Parse(stdout).RootElement.Clone(), stdout);
    }

    private static IEnumerable<JsonElement> Items(JsonElement paper, string list) => paper.GetProperty(list).EnumerateArray();

    [Test]
    public void JsonNamesEveryHostAndReportTheSignerTheAnchorTheTimeAndTheTool()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var (exit, paper, _) = Json(Fleet.Bundle());

        Assert.That(exit, Is.Zero);
        Assert.That(paper.GetProperty("verified").GetBoolean(), Is.True);
        Assert.That(paper.GetProperty("tool").GetString(), Does.StartWith("weightguard "));
        Assert.That(paper.GetProperty("verifiedAt").GetDateTimeOffset(), Is.GreaterThan(before));
        Assert.That(paper.GetProperty("signer").GetProperty("sha256Fingerprint").GetString(), Is.EqualTo(ManifestSignature.Fingerprint(TestPki.Aggregator.Signer)));
        Assert.That(paper.GetProperty("signer").GetProperty("anchored").GetBoolean(), Is.True);
        Assert.That(paper.GetProperty("trust").GetProperty("sha256Fingerprint").GetString(), Is.EqualTo(ManifestSignature.Fingerprint(TestPki.Aggregator.Ca)));
        var hosts = Items(paper, "hosts").ToList();
        // In agent id order.
        Assert.That(hosts.Select(h => h.GetProperty("name").GetString()), Is.EqualTo(new[] { "cpu-03", "gpu-01", "gpu-02" }));
        Assert.That(hosts.SelectMany(h => h.GetProperty("reports").EnumerateArray()).Select(r => r.GetProperty("reportId").GetString()),
            Is.EqualTo(new[] { Fleet.Cpu3Report, Fleet.Gpu1Report, Fleet.Gpu2Report }.Select(g => g.ToString())));
        var gpu1 = hosts[1].GetProperty("reports")[0];
        Assert.That(gpu1.GetProperty("quote").GetString(), Is.EqualTo("verified"));
        Assert.That(gpu1.GetProperty("eventLog").GetString(), Is.EqualTo("replayed"));
        Assert.That(gpu1.GetProperty("verdicts").GetString(), Is.EqualTo("reproduced"));
        Assert.That(gpu1.GetProperty("profiles")[0].GetProperty("profile").GetString(), Is.EqualTo(Fleet.Profile));
        Assert.That(hosts[1].GetProperty("firstReport").GetDateTimeOffset(), Is.EqualTo(Fleet.FinishedAt));
        Assert.That(hosts[0].GetProperty("reports")[0].GetProperty("quote").GetString(), Is.EqualTo("no-tpm"));
        var checks = Items(paper, "checks").ToList();
        Assert.That(checks, Has.Count.GreaterThanOrEqualTo(12));
        Assert.That(checks.Where(c => c.GetProperty("outcome").GetString() != "passed").Select(c => c.GetProperty("name").GetString()),
            Is.EqualTo(new[] { "Audit log hash chain (audit.jsonl)" }), "the fleet's bundle has no audit log, so that one check is not made");
    }

    [Test]
    public void ATamperedReportIsNamedByHostAndFileInJson()
    {
        var report = Fleet.ReportFolder(Fleet.Gpu2, Fleet.Gpu2Report) + "report.json";
        var (exit, paper, _) = Json(new BundleEditor(Fleet.Bundle()).FlipByte(report).ToBytes());

        Assert.That(exit, Is.EqualTo(1));
        var problem = Items(paper, "problems").Single();
        Assert.That(problem.GetProperty("host").GetString(), Is.EqualTo("gpu-02"));
        Assert.That(problem.GetProperty("file").GetString(), Is.EqualTo(report));
        Assert.That(problem.GetProperty("reportId").GetString(), Is.EqualTo(Fleet.Gpu2Report.ToString()));
        Assert.That(problem.GetProperty("text").GetString(), Does.EndWith("the file was changed"));
    }

    [TestCase(0.3)]
    [TestCase(0.5)]
    [TestCase(0.7)]
    public void OneFlippedRawByteOfTheZipIsReportedInShortLinesNeverADump(double at)
    {
        var bundle = Fleet.Bundle();
        bundle[(int)(bundle.Length * at)] ^= 0x20;
        var (exit, stdout, _) = WeightGuardProcess.Run("evidence", "verify", Write("bundle.zip", bundle), "--trust", CaPem());

        Assert.That(exit, Is.EqualTo(1), stdout);
        var problems = stdout.Split('\n').SkipWhile(l => !l.EndsWith("problem(s):", StringComparison.Ordinal)).Skip(1).Where(l => l.Length > 0).ToList();
        Assert.That(problems, Is.Not.Empty, stdout);
        Assert.That(problems, Has.All.Length.LessThan(520), "each problem is one line");
        Assert.That(problems, Has.Count.LessThanOrEqualTo(3), "one damaged entry is one problem (its hash or its decompression), not a cascade");
    }

    [Test]
    public void ATruncatedBundleIsOneLine()
    {
        var bundle = Fleet.Bundle();
        var (exit, paper, stdout) = Json(bundle[..(bundle.Length / 2)]);

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(Items(paper, "problems").Count(), Is.EqualTo(1), stdout);
        var problem = Items(paper, "problems").Single();
        Assert.That(problem.GetProperty("file").GetString(), Is.EqualTo("bundle"));
        Assert.That(problem.GetProperty("text").GetString(), Does.StartWith("not a readable zip archive: "));
    }

    [Test]
    public void ABrokenSignatureSaysSoAndNeverThatTheChainFails()
    {
        var bundle = new BundleEditor(Fleet.Bundle()).FlipByte(BundleLayout.Manifest).ToBytes();
        var (exit, stdout, _) = WeightGuardProcess.Run("evidence", "verify", Write("bundle.zip", bundle), "--trust", CaPem());

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(stdout, Does.Contain("signature does NOT verify over manifest.json"));
        Assert.That(stdout, Does.Contain("chain not checked: the signature itself does not verify"));
        Assert.That(stdout, Does.Not.Contain("NOT anchored"));
    }

    [Test]
    public void AnotherCaSaysNotAnchored()
    {
        var other = Write("other.pem", System.Text.Encoding.ASCII.GetBytes(TestPki.Impostor.Ca.ExportCertificatePem()));
        var (exit, stdout, _) = WeightGuardProcess.Run("evidence", "verify", Write("bundle.zip", Fleet.Bundle()), "--trust", other);

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(stdout, Does.Contain("signature verifies over manifest.json"));
        Assert.That(stdout, Does.Contain($"NOT anchored in {TestPki.Impostor.Ca.Subject}"));
    }

    [Test]
    public void EventLogsThatWereNotReplayedAreExplained()
    {
        var bundle = new BundleEditor(Fleet.Bundle()).Remove(Fleet.ReportFolder(Fleet.Gpu1, Fleet.Gpu1Report) + "eventlog.bin")
            .Remove(Fleet.ReportFolder(Fleet.Gpu2, Fleet.Gpu2Report) + "eventlog.bin").Resign(TestPki.Aggregator).ToBytes();
        var (exit, stdout, _) = WeightGuardProcess.Run("evidence", "verify", Write("bundle.zip", bundle), "--trust", CaPem());

        // Without the log the Secure Boot state is the agent's word, not attested, so the verdicts judged on the attested state differ.
        Assert.That(exit, Is.EqualTo(1), stdout);
        Assert.That(stdout, Does.Contain("Event logs 0 event log(s) replayed; 2 quoted report(s) carry no event log: the agent could not read the firmware's measurement log"));
        Assert.That(stdout, Does.Contain("1 report(s) from hosts enrolled without a TPM have no quote and no log"));
    }

    [Test]
    public void PreviousChecksTheExportChainOffline()
    {
        var first = Fleet.Bundle(content: Fleet.Content with { PreviousManifestSha256 = null, CreatedAt = Fleet.Content.CreatedAt.AddDays(-7) });
        var firstHash = Convert.ToHexStringLower(SHA256.HashData(new BundleEditor(first).Get(BundleLayout.Manifest)));
        var second = Fleet.Bundle(content: Fleet.Content with { PreviousManifestSha256 = firstHash });
        var prior = Write("first.zip", first);

        var (exit, paper, _) = Json(second, "--previous", prior);
        Assert.That(exit, Is.Zero);
        Assert.That(paper.GetProperty("previous").GetProperty("holds").GetBoolean(), Is.True);
        Assert.That(paper.GetProperty("previous").GetProperty("previousManifestSha256").GetString(), Is.EqualTo(firstHash));

        // The genuine fleet bundle follows another export (its previous hash is not the first bundle's).
        var (broken, brokenPaper, _) = Json(Fleet.Bundle(), "--previous", prior);
        Assert.That(broken, Is.EqualTo(1));
        Assert.That(brokenPaper.GetProperty("previous").GetProperty("detail").GetString(), Does.Contain("not this one (" + firstHash + ")"));
        Assert.That(Items(brokenPaper, "problems").Single().GetProperty("text").GetString(), Does.StartWith("export chain to "));
    }

    [Test]
    public void AReportTheAggregatorFlaggedForItsNameIsAFlagNotAProblem()
    {
        var catalog = Fleet.LoadCatalog(Fleet.CatalogFiles());
        var id = new Guid("40000000-0000-4000-8000-000000000004");
        var json = Fleet.Submitted(Fleet.NewReport(id, "cpu-04.lab", "d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4"), catalog);
        // Stored as sent, judged under the enrolled name: what the aggregator does with a name mismatch.
        var flagged = new BundleHost { AgentId = "agent-cpu-04", Hostname = "cpu-04", MachineId = "d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4", Reports = [new BundleReport(json, null, Fleet.Verdicts(json, catalog, "cpu-04"))] };
        var (exit, paper, _) = Json(Fleet.Bundle(content: Fleet.Content with { Hosts = [.. Fleet.Content.Hosts, flagged] }));

        Assert.That(exit, Is.Zero);
        var flag = Items(paper, "flags").Single();
        Assert.That(flag.GetProperty("host").GetString(), Is.EqualTo("cpu-04"));
        Assert.That(flag.GetProperty("kind").GetString(), Is.EqualTo(BundleFlag.NameMismatch));
        Assert.That(flag.GetProperty("text").GetString(), Does.StartWith("the report names the host 'cpu-04.lab', enrolled as 'cpu-04'"));
    }

    [Test]
    public void HtmlIsOnePrintablePageWithTheBundlesTextEscaped()
    {
        var report = Fleet.ReportFolder(Fleet.Gpu1, Fleet.Gpu1Report) + "report.json";
        var editor = new BundleEditor(Fleet.Bundle());
        var json = System.Text.Encoding.UTF8.GetString(editor.Get(report)).Replace("\"hostname\": \"gpu-01\"", "\"hostname\": \"<script>x</script>\"");
        var bundle = editor.Set(report, System.Text.Encoding.UTF8.GetBytes(json)).Resign(TestPki.Aggregator).ToBytes();
        var (exit, stdout, _) = WeightGuardProcess.Run("evidence", "verify", Write("bundle.zip", bundle), "--trust", CaPem(), "--format", "html");

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(stdout, Does.StartWith("<!DOCTYPE html>"));
        Assert.That(stdout, Does.Contain("@page { size: A4"));
        Assert.That(stdout, Does.Contain("<h2>Checks performed</h2>"));
        Assert.That(stdout, Does.Contain("gpu-01"));
        Assert.That(stdout, Does.Not.Contain("<script>"));
    }
}
