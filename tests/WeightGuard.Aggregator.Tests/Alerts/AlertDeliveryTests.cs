using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WeightGuard.Aggregator.Alerts;
using WeightGuard.Aggregator.Api;
using WeightGuard.Aggregator.Judgement;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Aggregator.Tests.Dashboard;
using WeightGuard.Core.Evidence;
using WeightGuard.Core.Protocol;
using WeightGuard.Core.Reports;

namespace WeightGuard.Aggregator.Tests.Alerts;

/// <summary>
/// A real aggregator with a real webhook receiver and real syslog sockets (UDP and a Unix datagram socket): a host's
/// change of state at ingest reaches every sink within that one ingest, signed and framed as documented.
/// </summary>
[NonParallelizable]
public sealed class AlertDeliveryTests
{
    private static readonly byte[] Secret = "a-webhook-secret-of-32-characters"u8.ToArray();
    private readonly List<IAsyncDisposable> _disposables = [];
    private readonly List<IDisposable> _sockets = [];

    [TearDown]
    public async Task TearDown()
    {
        foreach (var d in _disposables.AsEnumerable().Reverse()) await d.DisposeAsync();
        foreach (var s in _sockets) s.Dispose();
        _disposables.Clear();
        _sockets.Clear();
    }

    private static WebhookSettings Webhook(WebhookReceiver receiver, AlertSeverity minimum = AlertSeverity.Info, int attempts = 4) => new()
    {
        Name = "soc", Url = receiver.Url, Secret = Secret, MinimumSeverity = minimum, Attempts = attempts, InitialDelay = TimeSpan.FromMilliseconds(1),
        MaxDelay = TimeSpan.FromMilliseconds(20),
    };

    private async Task<(TestAggregator Aggregator, TestAgent Agent)> StartAsync(IReadOnlyList<WebhookSettings> webhooks, IReadOnlyList<SyslogSettings> syslog)
    {
        // The sweep runs at start (on an empty fleet) and then once a day: every alert below comes from an ingest.
        var aggregator = await TestAggregator.StartAsync(configure: s => s with
        {
            Alerts = new AlertSettings { Instance = "agg-test", SweepInterval = TimeSpan.FromDays(1), Webhooks = webhooks, Syslog = syslog },
        });
        _disposables.Add(aggregator);
        var agent = new TestAgent(aggregator, hostname: "gpu-train-01");
        _sockets.Add(agent);
        await agent.EnrollAsync(await aggregator.EnrollmentTokenAsync());
        return (aggregator, agent);
    }

    private async Task<WebhookReceiver> ReceiverAsync(params int[] script)
    {
        var receiver = await WebhookReceiver.StartAsync(script);
        _disposables.Add(receiver);
        return receiver;
    }

    private T Socket<T>(T socket) where T : IDisposable
    {
        _sockets.Add(socket);
        return socket;
    }

    private static Report Failing(TestAgent agent, TestAggregator aggregator, params string[] strayPaths)
    {
        var report = TestReports.Create(agent.Hostname, aggregator.Clock.GetUtcNow());
        return strayPaths.Length == 0 ? report : report with
        {
            Evidence = report.Evidence with
            {
                StrayWeights = new StrayWeightEvidence
                {
                    Searched = [], EntriesVisited = 10, Truncated = false,
                    Copies = strayPaths.Select(p => new WeightFile { Path = p, Format = "safetensors", Size = 4096 }).ToList(),
                },
            },
        };
    }

    private static async Task<IReadOnlyList<AlertWithDeliveries>> SettledAlertsAsync(TestAggregator aggregator)
    {
        await aggregator.Services.GetRequiredService<AlertDispatcher>().WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return await aggregator.Store.RecentAlertsAsync(100);
    }

    [Test]
    public async Task AStateChangeAtIngestReachesTheWebhookAndBothSyslogSocketsWithinThatIngest()
    {
        var receiver = await ReceiverAsync();
        var udp = Socket(SyslogReceiver.Udp());
        var unix = Socket(SyslogReceiver.Unix());
        var (aggregator, agent) = await StartAsync([Webhook(receiver)],
        [
            new SyslogSettings { Name = "siem-udp", Transport = SyslogTransport.Udp, Host = "127.0.0.1", Port = udp.Port, MinimumSeverity = AlertSeverity.Info },
            new SyslogSettings { Name = "local", Transport = SyslogTransport.Unix, SocketPath = unix.SocketPath, MinimumSeverity = AlertSeverity.Info, Facility = 4 },
        ]);

        await agent.ReportAsync(Failing(agent, aggregator));

        var hook = await receiver.NextAsync();
        var alert = hook.Event;
        Assert.Multiple(() =>
        {
            Assert.That(WebhookSignature.Verify(Secret, hook.Timestamp, hook.Signature, hook.Body, aggregator.Clock.GetUtcNow()), "HMAC-SHA256 over timestamp.body");
            Assert.That(hook.ContentType, Is.EqualTo("application/json; charset=utf-8"));
            Assert.That(hook.EventId, Is.EqualTo(alert.Id.ToString()));
            Assert.That(hook.EventType, Is.EqualTo(AlertTypes.StateChanged));
            Assert.That(alert.Type, Is.EqualTo(AlertTypes.StateChanged));
            Assert.That(alert.Severity, Is.EqualTo(AlertSeverity.Error));
            Assert.That((alert.Host.Name, alert.Host.AgentId), Is.EqualTo(("gpu-train-01", agent.AgentId)));
            Assert.That(alert.State, Is.EqualTo(new StateChange(HostState.NoReport, HostState.Failing)));
            Assert.That(alert.Profiles, Is.EqualTo(new[] { new ProfileStateChange(TestReports.Profile, null, HostState.Failing) }));
            Assert.That(alert.Reasons, Has.Some.StartsWith("WG-TPM-001 failed"), "the evidence says the host has no TPM");
            Assert.That(alert.Aggregator.Instance, Is.EqualTo("agg-test"));
            Assert.That(System.Text.Encoding.UTF8.GetString(hook.Body), Does.StartWith("{\"schema\":\"weightguard.alert/v1\""));
        });

        foreach (var (socket, facility) in new[] { (udp, 16), (unix, 4) })
        {
            var message = Rfc5424Message.Parse(await socket.NextAsync());
            var element = message.StructuredData[SyslogFrame.StructuredDataId];
            Assert.Multiple(() =>
            {
                Assert.That(message.Facility, Is.EqualTo(facility));
                Assert.That(message.Severity, Is.EqualTo(3), "error");
                Assert.That(message.Hostname, Is.EqualTo("agg-test"));
                Assert.That(message.AppName, Is.EqualTo("weightguard"));
                Assert.That(message.MsgId, Is.EqualTo(AlertTypes.StateChanged));
                Assert.That(DateTimeOffset.Parse(message.Timestamp, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(alert.Time).Within(TimeSpan.FromMilliseconds(1)));
                Assert.That(element["eventId"], Is.EqualTo(alert.Id.ToString()), "the same event on every sink");
                Assert.That(element["host"], Is.EqualTo("gpu-train-01"));
                Assert.That(element["agentId"], Is.EqualTo(agent.AgentId));
                Assert.That((element["from"], element["to"]), Is.EqualTo((HostState.NoReport, HostState.Failing)));
                Assert.That(element["profiles"], Is.EqualTo($"{TestReports.Profile}:->failing"));
                Assert.That(message.StructuredData["origin"]["software"], Is.EqualTo("weightguard-aggregator"));
                Assert.That(message.HasBom);
                Assert.That(message.Message, Does.StartWith("host gpu-train-01: host.state-changed no-report -> failing: WG-TPM-001 failed"));
            });
        }

        var stored = (await SettledAlertsAsync(aggregator)).Single();
        Assert.That(stored.Deliveries.Select(d => (d.Sink, d.Status, d.Attempts)),
            Is.EquivalentTo(new[] { ("soc", "delivered", 1), ("siem-udp", "delivered", 1), ("local", "delivered", 1) }));

        await agent.ReportAsync(Failing(agent, aggregator));
        Assert.That(await SettledAlertsAsync(aggregator), Has.Count.EqualTo(1), "still failing: nothing changed, nothing raised");
        Assert.That(receiver.Waiting + udp.Waiting + unix.Waiting, Is.Zero);
    }

    [Test]
    public async Task AWebhookAnswering500IsRetriedWithTheSameEventFreshlySigned()
    {
        var receiver = await ReceiverAsync(500, 503);
        var (aggregator, agent) = await StartAsync([Webhook(receiver)], []);
        await agent.ReportAsync(Failing(agent, aggregator));

        var sends = new[] { await receiver.NextAsync(), await receiver.NextAsync(), await receiver.NextAsync() };
        Assert.Multiple(() =>
        {
            Assert.That(sends.Select(s => s.AnsweredWith), Is.EqualTo(new[] { 500, 503, 200 }));
            Assert.That(sends.Select(s => s.EventId).Distinct().Count(), Is.EqualTo(1), "one event, sent three times");
            Assert.That(sends.All(s => WebhookSignature.Verify(Secret, s.Timestamp, s.Signature, s.Body, aggregator.Clock.GetUtcNow())));
            Assert.That(WebhookSignature.Verify("another-secret-of-32-characters!!"u8.ToArray(), sends[2].Timestamp, sends[2].Signature, sends[2].Body,
                aggregator.Clock.GetUtcNow()), Is.False, "another secret does not verify");
        });
        var delivery = (await SettledAlertsAsync(aggregator)).Single().Deliveries.Single();
        Assert.That((delivery.Status, delivery.Attempts, delivery.Detail), Is.EqualTo(("delivered", 3, "HTTP 200 after 3 attempts")));
    }

    [Test]
    public async Task AWebhookRefusingWith400IsNotRetriedAndShowsAsFailed()
    {
        var receiver = await ReceiverAsync(400);
        var (aggregator, agent) = await StartAsync([Webhook(receiver)], []);
        await agent.ReportAsync(Failing(agent, aggregator));
        Assert.That((await receiver.NextAsync()).AnsweredWith, Is.EqualTo(400));
        var delivery = (await SettledAlertsAsync(aggregator)).Single().Deliveries.Single();
        Assert.That((delivery.Status, delivery.Attempts, delivery.Detail), Is.EqualTo(("failed", 1, "HTTP 400 Bad Request")));
        Assert.That(receiver.Waiting, Is.Zero, "a 4xx is final");
    }

    [Test]
    public async Task AWebhookGivenUpAfterItsAttemptsShowsAsFailed()
    {
        var receiver = await ReceiverAsync(500, 500, 500);
        var (aggregator, agent) = await StartAsync([Webhook(receiver, attempts: 2)], []);
        await agent.ReportAsync(Failing(agent, aggregator));
        await receiver.NextAsync();
        await receiver.NextAsync();
        var delivery = (await SettledAlertsAsync(aggregator)).Single().Deliveries.Single();
        Assert.That((delivery.Status, delivery.Attempts, delivery.Detail), Is.EqualTo(("failed", 2, "HTTP 500 Internal Server Error after 2 attempts")));
    }

    [Test]
    public async Task AnAlertBelowASinksLeastSeverityIsNotSentThere()
    {
        var receiver = await ReceiverAsync();
        var (aggregator, agent) = await StartAsync([Webhook(receiver, AlertSeverity.Critical)], []);
        await agent.ReportAsync(Failing(agent, aggregator));
        var alert = (await SettledAlertsAsync(aggregator)).Single();
        Assert.That(alert.Alert.Severity, Is.EqualTo("error"));
        Assert.That(alert.Deliveries, Is.Empty);
        Assert.That(receiver.Waiting, Is.Zero);
    }

    [Test]
    public async Task ARefusedAttestationIsACriticalAlert()
    {
        var receiver = await ReceiverAsync();
        var (aggregator, agent) = await StartAsync([Webhook(receiver, AlertSeverity.Critical)], []);
        var forged = new ReportSubmission(Failing(agent, aggregator),
            new QuoteAttestation("00", "AA==", "AA==", new Dictionary<string, IReadOnlyDictionary<string, string>>()));
        Assert.That((await agent.SubmitAsync(forged)).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        var alert = (await receiver.NextAsync()).Event;
        Assert.Multiple(() =>
        {
            Assert.That(alert.Type, Is.EqualTo(AlertTypes.AttestationRefused));
            Assert.That(alert.Severity, Is.EqualTo(AlertSeverity.Critical));
            Assert.That(alert.State, Is.EqualTo(new StateChange(HostState.NoReport, HostState.Untrusted)));
            Assert.That(alert.Reasons.Single(), Does.StartWith("the attestation check failed: this agent enrolled without a TPM"));
        });
        Assert.That(await SettledAlertsAsync(aggregator), Has.Count.EqualTo(1), "the refusal stands for the move to untrusted: one alert, not two");
    }

    [Test]
    public async Task OnlyWeightFilesTheLastReportDidNotShowAreAlertedAsStray()
    {
        var (aggregator, agent) = await StartAsync([], []);
        await agent.ReportAsync(Failing(agent, aggregator, "/tmp/llm.safetensors"));
        var first = (await SettledAlertsAsync(aggregator)).Select(a => AlertEvent.FromJson(a.Alert.Body)).ToList();
        Assert.That(first.Select(e => e.Type), Is.EquivalentTo(new[] { AlertTypes.StateChanged, AlertTypes.StrayWeightsFound }));
        Assert.That(first.Single(e => e.Type == AlertTypes.StrayWeightsFound).Reasons,
            Is.EqualTo(new[] { "weight file outside the approved weight paths: /tmp/llm.safetensors" }));

        await agent.ReportAsync(Failing(agent, aggregator, "/tmp/llm.safetensors"));
        Assert.That(await SettledAlertsAsync(aggregator), Has.Count.EqualTo(2), "the same copy again is not new");

        await agent.ReportAsync(Failing(agent, aggregator, "/home/alice/copy.gguf", "/tmp/llm.safetensors"));
        // The test's clock stands still, so every alert has the same time: the new one is the one not seen before.
        var latest = (await SettledAlertsAsync(aggregator)).Select(a => AlertEvent.FromJson(a.Alert.Body)).ExceptBy(first.Select(e => e.Id), e => e.Id).Single();
        Assert.Multiple(() =>
        {
            Assert.That(latest.Type, Is.EqualTo(AlertTypes.StrayWeightsFound));
            Assert.That(latest.Severity, Is.EqualTo(AlertSeverity.Error));
            Assert.That(latest.Reasons, Is.EqualTo(new[] { "weight file outside the approved weight paths: /home/alice/copy.gguf" }));
            Assert.That(latest.State, Is.EqualTo(new StateChange(HostState.Failing, HostState.Failing)));
        });
    }

    [Test]
    public async Task AHostThatStopsReportingIsAlertedAsStaleByTheSweep()
    {
        var udp = Socket(SyslogReceiver.Udp());
        var (aggregator, agent) = await StartAsync([],
            [new SyslogSettings { Name = "siem", Transport = SyslogTransport.Udp, Host = "127.0.0.1", Port = udp.Port, MinimumSeverity = AlertSeverity.Warning }]);
        await agent.ReportAsync(Failing(agent, aggregator));
        Assert.That(Rfc5424Message.Parse(await udp.NextAsync()).StructuredData[SyslogFrame.StructuredDataId]["to"], Is.EqualTo(HostState.Failing));

        aggregator.Clock.Advance(Core.Catalog.FleetPolicy.Default.StaleAfter + TimeSpan.FromMinutes(1));
        await aggregator.Services.GetRequiredService<HostAlerts>().SweepAsync(CancellationToken.None);

        var stale = Rfc5424Message.Parse(await udp.NextAsync());
        Assert.Multiple(() =>
        {
            Assert.That(stale.Severity, Is.EqualTo(4), "warning");
            Assert.That((stale.StructuredData[SyslogFrame.StructuredDataId]["from"], stale.StructuredData[SyslogFrame.StructuredDataId]["to"]),
                Is.EqualTo((HostState.Failing, HostState.Stale)));
            Assert.That(stale.Message, Does.Contain("no report accepted since"));
        });
        await aggregator.Services.GetRequiredService<HostAlerts>().SweepAsync(CancellationToken.None);
        Assert.That(await SettledAlertsAsync(aggregator), Has.Count.EqualTo(2), "a second sweep finds nothing new");
    }

    [Test]
    public async Task TheAlertsPageListsRecentAlertsWithTheirDeliveryPerSink()
    {
        var receiver = await ReceiverAsync(400);
        var (aggregator, agent) = await StartAsync([Webhook(receiver)], []);
        await agent.ReportAsync(Failing(agent, aggregator));
        await SettledAlertsAsync(aggregator);

        var viewer = await ApiTokens.CreateAsync(aggregator.Store, "viewer", Roles.Viewer, aggregator.Clock.GetUtcNow());
        var (client, _) = await DashboardFleet.SignInAsync(aggregator, viewer);
        using (client)
        {
            var page = await client.GetStringAsync(Aggregator.Dashboard.DashboardPaths.Alerts);
            Assert.Multiple(() =>
            {
                Assert.That(page, Does.Contain(">gpu-train-01</a>"));
                Assert.That(page, Does.Contain("host.state-changed"));
                Assert.That(page, Does.Contain("WG-TPM-001 failed"));
                Assert.That(page, Does.Contain("soc: <span class=\"status failed\">failed</span> &#x2014; HTTP 400 Bad Request"));
                Assert.That(page, Does.Contain($"<code>{receiver.Url.GetLeftPart(UriPartial.Authority)}</code>"));
                Assert.That(page, Does.Not.Contain("/hook"), "a webhook's path may hold a token: only its scheme, host and port are shown");
            });
        }
    }
}
