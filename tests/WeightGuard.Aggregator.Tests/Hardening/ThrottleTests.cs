using System.Net;
using WeightGuard.Aggregator.Api;
using WeightGuard.Aggregator.Tests.Dashboard;
using WeightGuard.Core.Protocol;

namespace WeightGuard.Aggregator.Tests.Hardening;

/// <summary>
/// D7: nothing throttled sign-in, bearer-token checks or nonce issue. Now failures are limited per client address and
/// nonces per agent, each refusal a 429 with <c>Retry-After</c>, and an agent holds at most a few unused nonces.
/// </summary>
public sealed class ThrottleTests(string database) : OnBothDatabases(database)
{
    [Test]
    public async Task BearerFailuresFromOneAddressAreCutOffForAWindow()
    {
        var aggregator = await StartAsync(s => s with { AuthenticationFailuresPerMinute = 5 });
        using var guesser = aggregator.Client(bearer: "wgp_guess");
        for (var i = 0; i < 5; i++) Assert.That((await guesser.GetAsync("/api/v1/hosts")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        AssertTooManyRequests(await guesser.GetAsync("/api/v1/hosts"));
        using var valid = aggregator.Client(bearer: aggregator.AdminToken);
        AssertTooManyRequests(await valid.GetAsync("/api/v1/hosts"));
        aggregator.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.That((await valid.GetAsync("/api/v1/hosts")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the window has passed");
    }

    [Test]
    public async Task SignInFailuresAreCutOffToo()
    {
        var aggregator = await StartAsync(s => s with { AuthenticationFailuresPerMinute = 3 });
        using var client = aggregator.Client(cookies: new CookieContainer());
        for (var i = 0; i < 3; i++)
        {
            var response = await client.PostAsync("/dashboard/sign-in", await DashboardFleet.FormAsync(client, "/dashboard/sign-in", ("token", $"wgp_guess{i}")));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }
        var refused = await client.PostAsync("/dashboard/sign-in", await DashboardFleet.FormAsync(client, "/dashboard/sign-in", ("token", aggregator.AdminToken)));
        AssertTooManyRequests(refused);
        Assert.That(await refused.Content.ReadAsStringAsync(), Does.Contain("Too many failed sign-ins"));
    }

    [Test]
    public async Task AnAgentHoldsAtMostAFewUnusedNonces()
    {
        var aggregator = await StartAsync(s => s with { MaxOutstandingNonces = 2 });
        using var agent = new TestAgent(aggregator);
        await agent.EnrollAsync(await aggregator.EnrollmentTokenAsync());
        await agent.NonceAsync();
        await agent.NonceAsync();
        var refused = await agent.Client.PostAsync(AgentProtocol.NoncePath, null);
        AssertTooManyRequests(refused);
        Assert.That(refused.Headers.RetryAfter!.Delta, Is.EqualTo(AgentProtocol.NonceLifetime).Within(TimeSpan.FromSeconds(1)), "until the first expires");
        aggregator.Clock.Advance(AgentProtocol.NonceLifetime);
        await agent.NonceAsync();
    }

    [Test]
    public async Task NonceIssueIsLimitedPerAgent()
    {
        var aggregator = await StartAsync(s => s with { NoncesPerMinute = 3, MaxOutstandingNonces = 100 });
        using var agent = new TestAgent(aggregator);
        await agent.EnrollAsync(await aggregator.EnrollmentTokenAsync());
        using var other = new TestAgent(aggregator);
        await other.EnrollAsync(await aggregator.EnrollmentTokenAsync());
        for (var i = 0; i < 3; i++) await agent.NonceAsync();
        AssertTooManyRequests(await agent.Client.PostAsync(AgentProtocol.NoncePath, null));
        await other.NonceAsync();
    }
}
