using System.Net;
using WeightGuard.Aggregator.Hosting;
using WeightGuard.Core.Protocol;

namespace WeightGuard.Aggregator.Tests.ScaleOut;

/// <summary>
/// The limits that protect secrets hold across two aggregators on one PostgreSQL database: failures and enrolments
/// spread over both instances meet one limit, per client address and per identity, each refusal a 429 with
/// <c>Retry-After</c>.
/// </summary>
[NonParallelizable]
public sealed class SharedLimitTests
{
    private static readonly IPAddress OtherClient = IPAddress.Parse("127.0.0.2");
    private readonly List<TestAggregator> _started = [];

    private async Task<(TestAggregator A, TestAggregator B)> TwoInstancesAsync(Func<AggregatorSettings, AggregatorSettings> configure)
    {
        var database = "postgres:" + PostgresServer.Shared.CreateDatabase();
        foreach (var _ in new[] { 'a', 'b' }) _started.Add(await TestAggregator.StartAsync(database: _ => database, configure: configure));
        return (_started[^2], _started[^1]);
    }

    [TearDown]
    public async Task Stop()
    {
        foreach (var aggregator in _started) await aggregator.DisposeAsync();
        _started.Clear();
    }

    [Test]
    public async Task SignInFailuresSpreadOverTwoInstancesMeetOneLimit()
    {
        var (a, b) = await TwoInstancesAsync(s => s with { AuthenticationFailuresPerMinute = 4 });
        using var guesserOnA = a.Client(bearer: "wgp_guess");
        using var guesserOnB = b.Client(bearer: "wgp_guess");
        foreach (var client in new[] { guesserOnA, guesserOnB, guesserOnA, guesserOnB })
            Assert.That((await client.GetAsync("/api/v1/hosts")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        AssertTooManyRequests(await guesserOnA.GetAsync("/api/v1/hosts"));
        using var validOnB = b.Client(bearer: a.AdminToken);
        AssertTooManyRequests(await validOnB.GetAsync("/api/v1/hosts"));

        // The same refused token from another address: its own count, shared too, cuts it off.
        using var sameTokenElsewhere = AggregatorClients.Create(b.Address, b.CaCertificate, bearer: "wgp_guess", from: OtherClient);
        AssertTooManyRequests(await sameTokenElsewhere.GetAsync("/api/v1/hosts"));
        using var validElsewhere = AggregatorClients.Create(b.Address, b.CaCertificate, bearer: a.AdminToken, from: OtherClient);
        Assert.That((await validElsewhere.GetAsync("/api/v1/hosts")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "another address with a valid token");
    }

    [Test]
    public async Task EnrolmentsSpreadOverTwoInstancesMeetOneLimitPerAddressAndPerHostName()
    {
        var (a, b) = await TwoInstancesAsync(s => s with { EnrollmentPermits = 3, EnrollmentWindow = TimeSpan.FromHours(1) });
        using var agent = new TestAgent(a, hostname: "gpu-limited-01");
        var request = agent.Request("not-a-token");
        using var onA = a.Client();
        using var onB = b.Client();
        foreach (var client in new[] { onA, onB, onA })
            Assert.That((await Enrol(client, request)).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        AssertTooManyRequests(await Enrol(onB, request));

        // Another address asking for the same host name is refused by the host name's count, another name is not.
        using var elsewhere = AggregatorClients.Create(b.Address, b.CaCertificate, from: OtherClient);
        var refused = await Enrol(elsewhere, request);
        AssertTooManyRequests(refused);
        Assert.That(await refused.Content.ReadAsStringAsync(), Does.Contain("host name"));
        Assert.That((await Enrol(elsewhere, request with { Hostname = "gpu-limited-02" })).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    private static Task<HttpResponseMessage> Enrol(HttpClient client, EnrollmentRequest request) =>
        client.PostAsync(AgentProtocol.EnrollmentsPath, TestAgent.Json(request, ProtocolJsonContext.Default.EnrollmentRequest));

    private static void AssertTooManyRequests(HttpResponseMessage response)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(response.Headers.RetryAfter?.Delta?.TotalSeconds, Is.GreaterThanOrEqualTo(1), "Retry-After in seconds");
    }
}
