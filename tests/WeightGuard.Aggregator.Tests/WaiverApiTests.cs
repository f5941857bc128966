using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using WeightGuard.Aggregator.Api;
using WeightGuard.Aggregator.Export;
using WeightGuard.Aggregator.Judgement;
using WeightGuard.Aggregator.Waivers;
using WeightGuard.Evidence;

namespace WeightGuard.Aggregator.Tests;

/// <summary>Stored waivers over the admin API, over real TLS: ingest, the fleet API and the evidence export all judge with them.</summary>
[NonParallelizable]
public sealed class WaiverApiTests
{
    private const string Control = "WG-TPM-001";
    private TestAggregator _aggregator = null!;
    private TestAgent _agent = null!;
    private HttpClient _admin = null!;

    [SetUp]
    public async Task SetUp()
    {
        _aggregator = await TestAggregator.StartAsync();
        _agent = new TestAgent(_aggregator);
        await _agent.EnrollAsync(await _aggregator.EnrollmentTokenAsync());
        _admin = _aggregator.Client(bearer: _aggregator.AdminToken);
    }

    [TearDown]
    public async Task TearDown()
    {
        _admin.Dispose();
        _agent.Dispose();
        await _aggregator.DisposeAsync();
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private string Tomorrow => _aggregator.Clock.GetUtcNow().AddDays(1).ToString("yyyy-MM-dd");

    private string Request(string control = Control, string hosts = "gpu-test-*", string justification = "no TPM in the lab rack", string? expires = null) =>
        JsonSerializer.Serialize(new { controlId = control, hosts, justification, expires = expires ?? Tomorrow });

    private async Task<string> LatestStatusAsync(string controlId)
    {
        var report = TestReports.Create("gpu-test-01", _aggregator.Clock.GetUtcNow());
        // The host's identity as enrolled, so that the offline verifier files the report under its host.
        var host = report.Host with { MachineId = Dashboard.DashboardFleet.MachineId };
        await _agent.ReportAsync(report with { Host = host, Evidence = report.Evidence with { Host = host } });
        using var detail = JsonDocument.Parse(await _admin.GetStringAsync($"/api/v1/hosts/{_agent.AgentId}"));
        return detail.RootElement.GetProperty("verdicts").EnumerateArray().Single(v => v.GetProperty("controlId").GetString() == controlId)
            .GetProperty("status").GetString()!;
    }

    [Test]
    public async Task StoredWaiverWaivesAtIngestAndTheExportReDerivesIt()
    {
        var created = await _admin.PostAsync("/api/v1/waivers", Json(Request()));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        using var listed = JsonDocument.Parse(await _admin.GetStringAsync("/api/v1/waivers"));
        var stored = listed.RootElement.EnumerateArray().Single(w => w.GetProperty("source").GetString() == "stored");
        Assert.Multiple(() =>
        {
            Assert.That(stored.GetProperty("approver").GetString(), Is.EqualTo("test admin"), "the signed-in admin approves");
            Assert.That(stored.GetProperty("controlId").GetString(), Is.EqualTo(Control));
            Assert.That(created.Headers.Location!.ToString(), Does.EndWith(stored.GetProperty("id").GetString()!));
        });

        Assert.That(await LatestStatusAsync(Control), Is.EqualTo("waived"));

        var export = new EvidenceExport(_aggregator.Store,
            new FleetJudge(_aggregator.Store, TestReports.Catalog, _aggregator.Clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<FleetJudge>.Instance),
            CatalogFiles.Embedded(typeof(EvidenceExport).Assembly), _aggregator.Data, _aggregator.Clock);
        using var bundle = new MemoryStream();
        await export.WriteAsync(new ExportRequest(null, null, "test"), bundle, CancellationToken.None);
        bundle.Position = 0;
        var verification = EvidenceBundleVerifier.Verify(bundle, _aggregator.CaCertificate);
        Assert.That(verification.Problems, Is.Empty, string.Join("\n", verification.Problems));
        Assert.That(verification.Counts.VerdictsReproduced, Is.EqualTo(1));
        bundle.Position = 0;
        using var zip = new ZipArchive(bundle, ZipArchiveMode.Read);
        var verdicts = zip.Entries.Single(e => e.FullName.EndsWith("verdicts.json", StringComparison.Ordinal));
        using var reader = new StreamReader(verdicts.Open());
        Assert.That(await reader.ReadToEndAsync(), Does.Contain("\"waived\""));
    }

    [Test]
    public async Task DeletedWaiverNoLongerWaivesAndDeletesOnce()
    {
        var created = await _admin.PostAsync("/api/v1/waivers", Json(Request()));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var location = created.Headers.Location!.ToString();
        Assert.That((await _admin.DeleteAsync(location)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await ProblemAssert.IsProblemAsync(await _admin.DeleteAsync(location), HttpStatusCode.NotFound);
        Assert.That(await LatestStatusAsync(Control), Is.EqualTo("fail"));
    }

    [TestCase("WG-NOPE-999", "gpu-*", "why", null, "controlId 'WG-NOPE-999' is not in this aggregator's catalogue")]
    [TestCase(Control, "", "why", null, "hosts")]
    [TestCase(Control, "gpu-*", "   ", null, "justification")]
    [TestCase(Control, "gpu-*", "why", "2020-01-01", "after today")]
    public async Task BadWaiversAreBadRequests(string control, string hosts, string justification, string? expires, string detail)
    {
        await ProblemAssert.IsProblemAsync(await _admin.PostAsync("/api/v1/waivers", Json(Request(control, hosts, justification, expires))),
            HttpStatusCode.BadRequest, detail);
        using var listed = JsonDocument.Parse(await _admin.GetStringAsync("/api/v1/waivers"));
        Assert.That(listed.RootElement.EnumerateArray().Count(w => w.GetProperty("source").GetString() == "stored"), Is.Zero);
    }

    [Test]
    public async Task TodayIsNotAFutureExpiry() => await ProblemAssert.IsProblemAsync(
        await _admin.PostAsync("/api/v1/waivers", Json(Request(expires: _aggregator.Clock.GetUtcNow().ToString("yyyy-MM-dd")))), HttpStatusCode.BadRequest, "after today");

    [Test]
    public async Task OversizedFieldsAreBadRequests()
    {
        await ProblemAssert.IsProblemAsync(await _admin.PostAsync("/api/v1/waivers", Json(Request(hosts: new string('h', WaiverRequest.MaxHostsLength + 1)))),
            HttpStatusCode.BadRequest, "hosts");
        await ProblemAssert.IsProblemAsync(await _admin.PostAsync("/api/v1/waivers",
            Json(Request(justification: new string('j', WaiverRequest.MaxJustificationLength + 1)))), HttpStatusCode.BadRequest, "justification");
        await ProblemAssert.IsProblemAsync(await _admin.PostAsync("/api/v1/waivers", Json(Request(justification: new string('j', 20_000)))),
            HttpStatusCode.RequestEntityTooLarge);
    }

    [TestCase("{", "not JSON")]
    [TestCase("{\"controlId\":\"WG-TPM-001\",\"hosts\":\"*\",\"justification\":\"x\",\"expires\":\"soon\"}", "expires")]
    [TestCase("{\"hosts\":\"*\",\"justification\":\"x\",\"expires\":\"2099-01-01\"}", "controlId")]
    public async Task MalformedBodiesAreBadRequests(string json, string detail) =>
        await ProblemAssert.IsProblemAsync(await _admin.PostAsync("/api/v1/waivers", Json(json)), HttpStatusCode.BadRequest, detail);

    [TestCase(Roles.Viewer)]
    [TestCase(Roles.Auditor)]
    public async Task OnlyAdminsSeeAddOrDeleteWaivers(string role)
    {
        using var client = _aggregator.Client(bearer: await ApiTokens.CreateAsync(_aggregator.Store, "someone", role, _aggregator.Clock.GetUtcNow()));
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/v1/waivers"), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.PostAsync("/api/v1/waivers", Json(Request())), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.DeleteAsync($"/api/v1/waivers/{Guid.NewGuid()}"), HttpStatusCode.Forbidden);
    }
}
