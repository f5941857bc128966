using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using WeightGuard.Aggregator.Alerts;
using WeightGuard.Aggregator.Judgement;
using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Tests.Alerts;

/// <summary>
/// The watch, the periodic sweep and the dispatcher over a real store, on SQLite and PostgreSQL, with a clock whose
/// timers fire when the test advances it: staleness is alerted without a report and without waiting.
/// </summary>
[TestFixture("sqlite")]
[TestFixture("postgres")]
[NonParallelizable]
public sealed class AlertWatchTests(string database)
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly TemporarySqliteStores _sqlite = new();
    private SqlStore _store = null!;
    private FakeTimeProvider _time = null!;

    [SetUp]
    public async Task SetUp()
    {
        _store = database == "sqlite" ? _sqlite.Create() : DatabaseLocation.Open("postgres:" + PostgresServer.Shared.CreateDatabase());
        await _store.MigrateAsync();
        _time = new FakeTimeProvider(T0);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _store.DisposeAsync();
        if (database == "sqlite") _sqlite.Remove();
    }

    private (AlertDispatcher Dispatcher, HostAlerts Watch) Watch(AlertSettings settings, params IAlertSink[] sinks)
    {
        var dispatcher = new AlertDispatcher(sinks, _store, _time, NullLogger<AlertDispatcher>.Instance);
        var judge = new FleetJudge(_store, TestReports.Catalog, _time, NullLogger<FleetJudge>.Instance);
        return (dispatcher, new HostAlerts(_store, judge, dispatcher, settings, _time, NullLogger<HostAlerts>.Instance));
    }

    private async Task AddFailingHostAsync(string agentId, string name)
    {
        await _store.AddAgentAsync(new AgentRecord(agentId, name, null, null, false, _time.GetUtcNow()));
        await _store.AddReportAsync(StoredReports.Create(agentId, name, _time.GetUtcNow(), "SL0", [StoredReports.Verdict("WG-TPM-001", "fail")]));
    }

    [Test]
    public async Task TheSweepAlertsAHostThatWentStaleWhenTheClockPassesItsInterval()
    {
        var sink = new CapturingSink();
        var settings = new AlertSettings { Instance = "agg-test", SweepInterval = TimeSpan.FromMinutes(5) };
        var (dispatcher, watch) = Watch(settings, sink);
        await AddFailingHostAsync("a1", "gpu-a");
        await using var _ = dispatcher;
        await dispatcher.StartAsync(CancellationToken.None);
        using var sweep = new AlertSweep(watch, settings, _time, NullLogger<AlertSweep>.Instance);
        await sweep.StartAsync(CancellationToken.None);
        try
        {
            var first = await sink.NextAsync();
            Assert.That((first.State.From, first.State.To), Is.EqualTo((HostState.NoReport, HostState.Failing)), "the sweep at start sees the host");

            // Not yet stale: the ticks before three hours find nothing to say.
            for (var i = 0; i < 12; i++) _time.Advance(settings.SweepInterval);
            await dispatcher.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.That(sink.Waiting, Is.Zero);

            _time.Advance(Core.Catalog.FleetPolicy.Default.StaleAfter);
            var stale = await sink.NextAsync();
            Assert.Multiple(() =>
            {
                Assert.That((stale.State.From, stale.State.To), Is.EqualTo((HostState.Failing, HostState.Stale)));
                Assert.That(stale.Severity, Is.EqualTo(AlertSeverity.Warning));
                Assert.That(stale.Reasons.Single(), Is.EqualTo("no report accepted since 2026-12-01 09:00:00Z; the policy allows 03:00:00"));
            });
        }
        finally
        {
            await sweep.StopAsync(CancellationToken.None);
            await dispatcher.StopAsync(CancellationToken.None);
        }
    }

    [Test]
    public async Task AFullQueueDropsItsOldestAlertsCountsThemAndRecordsThemAsDropped()
    {
        var sink = new CapturingSink(queueCapacity: 2);
        var (dispatcher, watch) = Watch(AlertSettings.None, sink);
        await using var _ = dispatcher;
        // Not started: nothing leaves the queue, so it fills.
        foreach (var (agent, name) in new[] { ("a1", "gpu-a"), ("a2", "gpu-b"), ("a3", "gpu-c"), ("a4", "gpu-d"), ("a5", "gpu-e") })
        {
            await AddFailingHostAsync(agent, name);
            await watch.AfterSubmissionAsync(agent, null, CancellationToken.None);
        }
        await dispatcher.StartAsync(CancellationToken.None);
        var sent = new[] { await sink.NextAsync(), await sink.NextAsync() };
        await dispatcher.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await dispatcher.StopAsync(CancellationToken.None);

        Assert.That(sent.Select(a => a.Host.Name), Is.EqualTo(new[] { "gpu-d", "gpu-e" }), "the newest are kept");
        Assert.That(dispatcher.Dropped["capture"], Is.EqualTo(3));
        var deliveries = (await _store.RecentAlertsAsync(10)).ToDictionary(a => a.Alert.Hostname, a => a.Deliveries.Single().Status);
        Assert.That(deliveries, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["gpu-a"] = "dropped", ["gpu-b"] = "dropped", ["gpu-c"] = "dropped", ["gpu-d"] = "delivered", ["gpu-e"] = "delivered",
        }));
    }

    [Test]
    public async Task OfTwoWatchersSeeingTheSameChangeOneRaisesIt()
    {
        // Two aggregator instances over one database: each has its own dispatcher and watch.
        var (sinkA, sinkB) = (new CapturingSink(), new CapturingSink());
        var (dispatcherA, watchA) = Watch(AlertSettings.None, sinkA);
        var (dispatcherB, watchB) = Watch(AlertSettings.None, sinkB);
        await using var a = dispatcherA;
        await using var b = dispatcherB;
        await AddFailingHostAsync("a1", "gpu-a");
        await Task.WhenAll(watchA.AfterSubmissionAsync("a1", null, CancellationToken.None), watchB.AfterSubmissionAsync("a1", null, CancellationToken.None),
            watchA.SweepAsync(CancellationToken.None), watchB.SweepAsync(CancellationToken.None));
        Assert.That(await _store.RecentAlertsAsync(10), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task DriftInTheStoredJudgementIsRaisedOnceAsPcrDrift()
    {
        var sink = new CapturingSink(minimum: AlertSeverity.Critical);
        var (dispatcher, watch) = Watch(AlertSettings.None, sink);
        await using var _ = dispatcher;
        await dispatcher.StartAsync(CancellationToken.None);
        await AddFailingHostAsync("a1", "gpu-a");
        await watch.AfterSubmissionAsync("a1", null, CancellationToken.None);

        var drifted = StoredReports.Create("a1", "gpu-a", _time.GetUtcNow(), "SL0", [StoredReports.Verdict("WG-TPM-001", "fail")]);
        await _store.AddReportAsync(drifted with { Current = drifted.Current with { PcrDrift = true } });
        await watch.AfterSubmissionAsync("a1", null, CancellationToken.None);
        await watch.SweepAsync(CancellationToken.None);

        var alert = await sink.NextAsync();
        await dispatcher.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await dispatcher.StopAsync(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That((alert.Type, alert.Severity), Is.EqualTo((AlertTypes.PcrDrifted, AlertSeverity.Critical)));
            Assert.That(alert.State, Is.EqualTo(new StateChange(HostState.Failing, HostState.Untrusted)));
            Assert.That(sink.Waiting, Is.Zero, "the failing alert was below this sink's least severity; the sweep found nothing new");
        });
        Assert.That((await _store.RecentAlertsAsync(10)).Select(a => a.Alert.Type), Is.EquivalentTo(new[] { AlertTypes.StateChanged, AlertTypes.PcrDrifted }));
    }

    [Test]
    public async Task AStaleStateVersionWritesNothing()
    {
        var first = new HostAlertState("a1", 1, HostState.Failing, new Dictionary<string, string> { ["rand-sl1"] = HostState.Failing }, false, null, [], T0);
        Assert.That(await _store.RecordAlertsAsync(first, null, [], _ => []), Is.True);
        Assert.That(await _store.RecordAlertsAsync(first, null, [], _ => []), Is.False, "a second first write loses");
        var alert = new StoredAlert(Guid.NewGuid(), T0, "a1", "gpu-a", AlertTypes.StateChanged, "warning", HostState.Failing, HostState.Stale, "{}");
        var second = first with { Version = 2, State = HostState.Stale };
        Assert.That(await _store.RecordAlertsAsync(second, 0, [alert], _ => ["soc"]), Is.False, "written against a version that is not the stored one");
        Assert.That(await _store.RecentAlertsAsync(10), Is.Empty, "nothing of a lost write is kept");
        Assert.That(await _store.RecordAlertsAsync(second, 1, [alert], _ => ["soc"]), Is.True);
        var stored = (await _store.GetAlertStateAsync("a1"))!;
        Assert.That((stored.Version, stored.State, stored.Profiles["rand-sl1"]), Is.EqualTo((2L, HostState.Stale, HostState.Failing)));
        Assert.That((await _store.RecentAlertsAsync(10)).Single().Deliveries.Single().Status, Is.EqualTo("queued"));

        Assert.That(await _store.PruneAlertsAsync(T0), Is.Zero);
        Assert.That(await _store.PruneAlertsAsync(T0.AddMilliseconds(1)), Is.EqualTo(1));
        Assert.That(await _store.RecentAlertsAsync(10), Is.Empty);
    }
}
