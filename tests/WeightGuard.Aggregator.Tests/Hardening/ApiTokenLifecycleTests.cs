using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WeightGuard.Aggregator.Api;
using WeightGuard.Aggregator.Tests.Dashboard;

namespace WeightGuard.Aggregator.Tests.Hardening;

/// <summary>
/// D2: API tokens never expired and could not be revoked, and a dashboard session outlived its deleted token. Now tokens
/// expire (90 days unless asked), are listed without secrets, are revoked by id or name, and a revoked or expired token
/// ends its sessions at once.
/// </summary>
public sealed class ApiTokenLifecycleTests(string database) : OnBothDatabases(database)
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Test]
    public async Task ATokenStopsWorkingWhenItExpires()
    {
        var aggregator = await StartAsync();
        using var viewer = aggregator.Client(bearer: await TokenAsync(aggregator, Roles.Viewer, lifetime: TimeSpan.FromHours(1)));
        Assert.That((await viewer.GetAsync("/api/v1/hosts")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        aggregator.Clock.Advance(TimeSpan.FromHours(1));
        await ProblemAssert.IsProblemAsync(await viewer.GetAsync("/api/v1/hosts"), HttpStatusCode.Unauthorized, "expired");
    }

    [Test]
    public async Task AdminsIssueListAndRevokeTokensWithoutSeeingSecrets()
    {
        var aggregator = await StartAsync();
        using var admin = aggregator.Client(bearer: aggregator.AdminToken);
        var created = await admin.PostAsync("/api/v1/api-tokens", Json("""{"name":"ci pipeline","role":"viewer","expires":"7d"}"""));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        using var issued = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var token = issued.RootElement.GetProperty("token").GetString()!;
        var id = issued.RootElement.GetProperty("id").GetString()!;
        Assert.That(issued.RootElement.GetProperty("expiresAt").GetDateTimeOffset(), Is.EqualTo(aggregator.Clock.GetUtcNow().AddDays(7)).Within(TimeSpan.FromSeconds(1)));

        using var viewer = aggregator.Client(bearer: token);
        Assert.That((await viewer.GetAsync("/api/v1/hosts")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var listed = await admin.GetStringAsync("/api/v1/api-tokens");
        using (var list = JsonDocument.Parse(listed))
        {
            var row = list.RootElement.EnumerateArray().Single(t => t.GetProperty("id").GetString() == id);
            Assert.That(row.GetProperty("name").GetString(), Is.EqualTo("ci pipeline"));
            Assert.That(row.GetProperty("state").GetString(), Is.EqualTo("active"));
            Assert.That(row.GetProperty("lastUsedAt").ValueKind, Is.EqualTo(JsonValueKind.String), "the use above was recorded");
        }
        Assert.That(listed, Does.Not.Contain("wgp_").And.Not.Contain(ApiTokens.Hash(token)), "no secret and no hash is listed");

        Assert.That((await admin.PostAsync($"/api/v1/api-tokens/{id}/revoke", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await ProblemAssert.IsProblemAsync(await viewer.GetAsync("/api/v1/hosts"), HttpStatusCode.Unauthorized, "revoked");
        await ProblemAssert.IsProblemAsync(await admin.PostAsync($"/api/v1/api-tokens/{id}/revoke", null), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task RevokingByNameRevokesEveryTokenOfThatName()
    {
        var aggregator = await StartAsync();
        var first = await TokenAsync(aggregator, Roles.Viewer, "mallory");
        var second = await TokenAsync(aggregator, Roles.Auditor, "mallory");
        using var admin = aggregator.Client(bearer: aggregator.AdminToken);
        using var revoked = JsonDocument.Parse(await (await admin.PostAsync("/api/v1/api-tokens/mallory/revoke", null)).Content.ReadAsStringAsync());
        Assert.That(revoked.RootElement.EnumerateArray().Select(t => t.GetProperty("id").GetString()).Order(),
            Is.EqualTo(new[] { ApiTokens.Id(first), ApiTokens.Id(second) }.Order()));
        foreach (var token in new[] { first, second })
        {
            using var client = aggregator.Client(bearer: token);
            Assert.That((await client.GetAsync("/api/v1/hosts")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
    }

    [Test]
    public async Task RevokingATokenEndsItsDashboardSessionAtOnce()
    {
        var aggregator = await StartAsync();
        var adminToken = await TokenAsync(aggregator, Roles.Admin, "ada admin");
        var (client, _) = await DashboardFleet.SignInAsync(aggregator, adminToken);
        using (client)
        {
            var form = await DashboardFleet.FormAsync(client, "/dashboard/waivers", ("controlId", "WG-TPM-001"), ("hosts", "gpu-*"),
                ("justification", "no TPM on these"), ("expires", DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd")));
            using var admin = aggregator.Client(bearer: aggregator.AdminToken);
            Assert.That((await admin.PostAsync($"/api/v1/api-tokens/{ApiTokens.Id(adminToken)}/revoke", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));

            var refused = await client.PostAsync("/dashboard/waivers", form);
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That(refused.Headers.Location!.ToString(), Does.StartWith("/dashboard/sign-in"));
            Assert.That(await aggregator.Store.ListWaiversAsync(), Is.Empty, "the session of a revoked token stored nothing");
            Assert.That((await client.GetAsync("/dashboard")).StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        }
    }

    [Test]
    public async Task AnExpiredTokenCannotSignInAndEndsItsSession()
    {
        var aggregator = await StartAsync();
        var token = await TokenAsync(aggregator, Roles.Viewer, lifetime: TimeSpan.FromHours(1));
        var (client, _) = await DashboardFleet.SignInAsync(aggregator, token);
        using (client)
        {
            Assert.That((await client.GetAsync("/dashboard")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
            aggregator.Clock.Advance(TimeSpan.FromHours(2));
            Assert.That((await client.GetAsync("/dashboard")).StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
            var again = await client.PostAsync("/dashboard/sign-in", await DashboardFleet.FormAsync(client, "/dashboard/sign-in", ("token", token)));
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
    }

    [Test]
    public async Task BadTokenRequestsAreRefusedWithoutIssuingAnything()
    {
        var aggregator = await StartAsync();
        using var admin = aggregator.Client(bearer: aggregator.AdminToken);
        foreach (var body in new[] { """{"name":"x","role":"viewer","expires":null}""", """{"name":null,"role":"viewer"}""", """{"name":"x","role":"root"}""",
                     """{"name":"x","role":"viewer","expires":"400d"}""", """{"name":"a\u0000b","role":"viewer"}""", """{"role":"viewer"}""" })
            await ProblemAssert.IsProblemAsync(await admin.PostAsync("/api/v1/api-tokens", Json(body)), HttpStatusCode.BadRequest);
        Assert.That(await aggregator.Store.ListApiTokensAsync(), Has.Count.EqualTo(1), "only the test admin's token");
        var created = await admin.PostAsJsonAsync("/api/v1/api-tokens", new { name = "default", role = "viewer" });
        using var issued = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        Assert.That(issued.RootElement.GetProperty("expiresAt").GetDateTimeOffset() - aggregator.Clock.GetUtcNow(),
            Is.EqualTo(TimeSpan.FromDays(90)).Within(TimeSpan.FromSeconds(1)));
    }
}
