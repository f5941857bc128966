using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WeightGuard.Aggregator.Api;

namespace WeightGuard.Aggregator.Tests;

/// <summary>The people's API by role, over real TLS: fleet reads for viewers, tokens and revocation for admins.</summary>
[NonParallelizable]
public sealed class PeopleApiTests
{
    private TestAggregator _aggregator = null!;
    private TestAgent _agent = null!;

    [SetUp]
    public async Task SetUp()
    {
        _aggregator = await TestAggregator.StartAsync();
        _agent = new TestAgent(_aggregator);
        await _agent.EnrollAsync(await _aggregator.EnrollmentTokenAsync());
        await _agent.ReportAsync(TestReports.Create("gpu-test-01", _aggregator.Clock.GetUtcNow()));
    }

    [TearDown]
    public async Task TearDown()
    {
        _agent.Dispose();
        await _aggregator.DisposeAsync();
    }

    private async Task<string> TokenAsync(string role) =>
        await ApiTokens.CreateAsync(_aggregator.Store, "someone", role, _aggregator.Clock.GetUtcNow());

    private static StringContent Json(object value) => new(JsonSerializer.Serialize(value, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");

    [Test]
    public async Task ViewerReadsTheFleet()
    {
        using var viewer = _aggregator.Client(bearer: await TokenAsync(Roles.Viewer));
        using var hosts = JsonDocument.Parse(await viewer.GetStringAsync("/api/v1/hosts?search=GPU-TEST&limit=10"));
        Assert.That(hosts.RootElement.GetProperty("total").GetInt32(), Is.EqualTo(1));
        var host = hosts.RootElement.GetProperty("hosts").EnumerateArray().Single();
        Assert.Multiple(() =>
        {
            Assert.That(host.GetProperty("agentId").GetString(), Is.EqualTo(_agent.AgentId));
            Assert.That(host.GetProperty("name").GetString(), Is.EqualTo("gpu-test-01"));
            Assert.That(host.GetProperty("latestReport").GetProperty("attestation").GetString(), Is.EqualTo("absent"));
            Assert.That(host.GetProperty("rand").GetProperty("hostControlsMet").GetString(), Is.EqualTo("SL0"), "no TPM: SL1's WG-TPM-001 fails");
            Assert.That(host.GetProperty("state").GetString(), Is.EqualTo("failing"));
        });

        using var detail = JsonDocument.Parse(await viewer.GetStringAsync($"/api/v1/hosts/{_agent.AgentId}?history=5"));
        Assert.That(detail.RootElement.GetProperty("history").GetArrayLength(), Is.EqualTo(1));
        Assert.That(detail.RootElement.GetProperty("verdicts").EnumerateArray().Select(v => v.GetProperty("controlId").GetString()), Does.Contain("WG-TPM-001"));

        using var control = JsonDocument.Parse(await viewer.GetStringAsync("/api/v1/controls/WG-TPM-001/hosts"));
        Assert.That(control.RootElement.EnumerateArray().Single().GetProperty("status").GetString(), Is.EqualTo("fail"));

        using var compliance = JsonDocument.Parse(await viewer.GetStringAsync($"/api/v1/compliance/{TestReports.Profile}?days=7"));
        Assert.That(compliance.RootElement.EnumerateArray().Single().GetProperty("hosts").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public async Task UnknownIdsAreNotFoundProblems()
    {
        using var viewer = _aggregator.Client(bearer: await TokenAsync(Roles.Viewer));
        await ProblemAssert.IsProblemAsync(await viewer.GetAsync("/api/v1/hosts/nobody"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await viewer.GetAsync("/api/v1/controls/WG-NOPE-001/hosts"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await viewer.GetAsync("/api/v1/compliance/no-profile"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await viewer.GetAsync($"/api/v1/compliance/{TestReports.Profile}?days=0"), HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(await viewer.GetAsync($"/api/v1/hosts/{_agent.AgentId}?history=100000"), HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(await viewer.GetAsync("/api/v1/hosts?limit=0"), HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(await viewer.GetAsync("/api/v1/hosts?offset=-1"), HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(await viewer.GetAsync("/api/v1/hosts?limit=abc"), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task WithoutATokenOrWithAnUnknownOneTheApiIsClosed()
    {
        using var anonymous = _aggregator.Client();
        await ProblemAssert.IsProblemAsync(await anonymous.GetAsync("/api/v1/hosts"), HttpStatusCode.Unauthorized);
        using var forged = _aggregator.Client(bearer: "wgp_forged");
        await ProblemAssert.IsProblemAsync(await forged.GetAsync("/api/v1/hosts"), HttpStatusCode.Unauthorized);
    }

    [TestCase(Roles.Viewer)]
    [TestCase(Roles.Auditor)]
    public async Task OnlyAdminsCreateTokensOrRevokeAgents(string role)
    {
        using var client = _aggregator.Client(bearer: await TokenAsync(role));
        await ProblemAssert.IsProblemAsync(await client.PostAsync("/api/v1/enrollment-tokens", Json(new { expires = "1h" })), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.PostAsync("/api/v1/api-tokens", Json(new { name = "x", role = "admin" })), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await client.PostAsync($"/api/v1/agents/{_agent.AgentId}/revoke", null), HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task AdminIssuesEnrolmentTokensThatEnrol()
    {
        using var admin = _aggregator.Client(bearer: _aggregator.AdminToken);
        var response = await admin.PostAsync("/api/v1/enrollment-tokens", Json(new { expires = "2h", uses = 1 }));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var issued = await response.Content.ReadFromJsonAsync<EnrollmentTokenIssued>(JsonSerializerOptions.Web);
        using var agent = new TestAgent(_aggregator);
        await agent.EnrollAsync(issued!.Token);
        Assert.That(issued.ExpiresAt, Is.EqualTo(_aggregator.Clock.GetUtcNow().AddHours(2)));
    }

    [Test]
    public async Task AdminIssuesApiTokensWithTheirRole()
    {
        using var admin = _aggregator.Client(bearer: _aggregator.AdminToken);
        var response = await admin.PostAsync("/api/v1/api-tokens", Json(new { name = "dashboard", role = "viewer" }));
        var issued = await response.Content.ReadFromJsonAsync<ApiTokenIssued>(JsonSerializerOptions.Web);
        using var viewer = _aggregator.Client(bearer: issued!.Token);
        Assert.That((await viewer.GetAsync("/api/v1/hosts")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await ProblemAssert.IsProblemAsync(await viewer.PostAsync("/api/v1/api-tokens", Json(new { name = "escalate", role = "admin" })), HttpStatusCode.Forbidden);
    }

    [TestCase("{\"name\":\"x\",\"role\":\"root\"}", "role")]
    [TestCase("{\"role\":\"viewer\"}", "name")]
    [TestCase("{", "not JSON")]
    public async Task BadApiTokenRequestsAreBadRequests(string json, string detail)
    {
        using var admin = _aggregator.Client(bearer: _aggregator.AdminToken);
        await ProblemAssert.IsProblemAsync(await admin.PostAsync("/api/v1/api-tokens", new StringContent(json, Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest, detail);
    }

    [TestCase("{\"expires\":\"forever\"}", "duration")]
    [TestCase("{\"expires\":\"90d\"}", "30 days")]
    [TestCase("{\"expires\":\"1h\",\"uses\":0}", "enrolments")]
    public async Task BadEnrolmentTokenRequestsAreBadRequests(string json, string detail)
    {
        using var admin = _aggregator.Client(bearer: _aggregator.AdminToken);
        await ProblemAssert.IsProblemAsync(await admin.PostAsync("/api/v1/enrollment-tokens", new StringContent(json, Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest, detail);
    }

    [Test]
    public async Task RevokingAnUnknownAgentIsNotFound()
    {
        using var admin = _aggregator.Client(bearer: _aggregator.AdminToken);
        await ProblemAssert.IsProblemAsync(await admin.PostAsync("/api/v1/agents/nobody/revoke", null), HttpStatusCode.NotFound);
    }
}
