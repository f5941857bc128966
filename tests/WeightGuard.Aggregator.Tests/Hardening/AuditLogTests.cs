using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using WeightGuard.Aggregator.Api;
using WeightGuard.Aggregator.Export;
using WeightGuard.Aggregator.Judgement;
using WeightGuard.Aggregator.Tests.Dashboard;
using WeightGuard.Aggregator.Waivers;
using WeightGuard.Evidence;

namespace WeightGuard.Aggregator.Tests.Hardening;

/// <summary>
/// The audit log: every privileged action is recorded with who, when, what and from where; auditors read it; evidence
/// bundles carry it, and verifying a bundle checks its hash chain and names a row changed in the database.
/// </summary>
public sealed class AuditLogTests(string database) : OnBothDatabases(database)
{
    /// <summary>Token, enrolment, waiver and revocation actions through the API; returns the aggregator and the agent id.</summary>
    private async Task<(TestAggregator Aggregator, string AgentId)> ActAsync()
    {
        var aggregator = await StartAsync();
        using var admin = aggregator.Client(bearer: aggregator.AdminToken);
        Assert.That((await admin.PostAsJsonAsync("/api/v1/api-tokens", new { name = "auditor ann", role = "auditor" })).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var enrolment = await admin.PostAsJsonAsync("/api/v1/enrollment-tokens", new { expires = "1h", uses = 1 });
        using var token = JsonDocument.Parse(await enrolment.Content.ReadAsStringAsync());
        using var agent = new TestAgent(aggregator);
        await agent.EnrollAsync(token.RootElement.GetProperty("token").GetString()!);
        var waiver = await admin.PostAsJsonAsync("/api/v1/waivers", new { controlId = "WG-TPM-001", hosts = "gpu-*", justification = "none yet", expires = DateTime.UtcNow.AddDays(9).ToString("yyyy-MM-dd") });
        using var added = JsonDocument.Parse(await waiver.Content.ReadAsStringAsync());
        Assert.That((await admin.DeleteAsync($"/api/v1/waivers/{added.RootElement.GetProperty("id").GetString()}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await admin.PostAsync($"/api/v1/agents/{agent.AgentId}/revoke", null)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await admin.PostAsync("/api/v1/api-tokens/auditor%20ann/revoke", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return (aggregator, agent.AgentId!);
    }

    [Test]
    public async Task PrivilegedActionsAreRecordedInOrderWithWhoAndWhere()
    {
        var (aggregator, agentId) = await ActAsync();
        using var auditor = aggregator.Client(bearer: await TokenAsync(aggregator, Roles.Auditor, "auditor al"));
        using var rows = JsonDocument.Parse(await auditor.GetStringAsync("/api/v1/audit?after=0&limit=100"));
        var list = rows.RootElement.EnumerateArray().ToList();
        Assert.That(list.Select(r => r.GetProperty("action").GetString()), Is.EqualTo(new[]
        {
            "api-token.created", "enrollment-token.created", "agent.enrolled", "waiver.added", "waiver.removed", "agent.revoked", "api-token.revoked",
        }));
        var adminActor = $"test admin (token {ApiTokens.Id(aggregator.AdminToken)})";
        Assert.Multiple(() =>
        {
            Assert.That(list[0].GetProperty("actor").GetString(), Is.EqualTo(adminActor));
            Assert.That(list[0].GetProperty("details").GetString(), Does.Contain("name auditor ann; role auditor"));
            Assert.That(list[2].GetProperty("target").GetString(), Is.EqualTo(agentId));
            Assert.That(list[5].GetProperty("target").GetString(), Is.EqualTo(agentId));
            Assert.That(list.Select(r => r.GetProperty("source").GetString()), Is.All.EqualTo("127.0.0.1"));
            Assert.That(list.Select(r => r.GetProperty("seq").GetInt64()), Is.EqualTo(new long[] { 1, 2, 3, 4, 5, 6, 7 }));
            Assert.That(list[1].GetProperty("previousSha256").GetString(), Is.EqualTo(list[0].GetProperty("sha256").GetString()));
        });
        using var page = JsonDocument.Parse(await auditor.GetStringAsync("/api/v1/audit?after=5&limit=1"));
        Assert.That(page.RootElement.EnumerateArray().Single().GetProperty("seq").GetInt64(), Is.EqualTo(6));

        using var viewer = aggregator.Client(bearer: await TokenAsync(aggregator, Roles.Viewer));
        Assert.That((await viewer.GetAsync("/api/v1/audit")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        await ProblemAssert.IsProblemAsync(await auditor.GetAsync("/api/v1/audit?limit=0"), HttpStatusCode.BadRequest);

        var (dashboard, _) = await DashboardFleet.SignInAsync(aggregator, await TokenAsync(aggregator, Roles.Auditor, "auditor <b>bea</b>"));
        using (dashboard)
        {
            var html = await dashboard.GetStringAsync("/dashboard/audit");
            Assert.That(html, Does.Contain("<h1>Audit log</h1>").And.Contain("waiver.removed").And.Contain(WebUtility.HtmlEncode(adminActor)));
        }
    }

    [Test]
    public async Task BundlesCarryTheChainAndVerifyingNamesARowChangedInTheDatabase()
    {
        var (aggregator, _) = await ActAsync();
        using var intact = new MemoryStream();
        await Exporter(aggregator).WriteAsync(new ExportRequest(null, null, "test"), intact, CancellationToken.None);
        var verified = Verify(aggregator, intact);
        Assert.That(verified.Problems, Is.Empty);
        Assert.That(verified.Counts.AuditRows, Is.EqualTo(7));

        await ExecuteSqlAsync(aggregator, "UPDATE audit_log SET details = 'control WG-SSH-001; hosts *; expires 2099-01-01' WHERE seq = 4");
        using var tampered = new MemoryStream();
        await Exporter(aggregator).WriteAsync(new ExportRequest(null, null, "test"), tampered, CancellationToken.None);
        var problems = Verify(aggregator, tampered).Problems;
        Assert.That(problems, Has.Count.EqualTo(1), "exactly one problem, the changed row, not every row after it: " + string.Join("; ", problems));
        Assert.That(problems.Single().File, Is.EqualTo(BundleLayout.AuditLog));
        Assert.That(problems.Single().Defect, Does.StartWith("row 4 (waiver.added ").And.Contain("does not match its content"));
    }

    private static EvidenceExport Exporter(TestAggregator aggregator) => new(aggregator.Store,
        new FleetJudge(aggregator.Store, TestReports.Catalog, aggregator.Clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<FleetJudge>.Instance),
        CatalogFiles.Embedded(typeof(EvidenceExport).Assembly), aggregator.Data, aggregator.Clock);

    private static BundleVerification Verify(TestAggregator aggregator, MemoryStream bundle)
    {
        bundle.Position = 0;
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(aggregator.Data.CaCertificate));
        return EvidenceBundleVerifier.Verify(bundle, ca);
    }
}
