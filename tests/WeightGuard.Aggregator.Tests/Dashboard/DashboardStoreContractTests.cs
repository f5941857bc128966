using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Tests.Dashboard;

/// <summary>The store's dashboard and export queries, run unchanged against SQLite and PostgreSQL.</summary>
public abstract class DashboardStoreContractTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    private IAggregatorStore _store = null!;

    /// <summary>A fresh, empty, not yet migrated store.</summary>
    protected abstract SqlStore CreateStore();

    [SetUp]
    public async Task SetUp()
    {
        _store = CreateStore();
        await _store.MigrateAsync();
        await _store.AddAgentAsync(new AgentRecord("a", "alpha", "m-a", [1], true, T0) { EkPublic = [2, 3], EkCertificate = [4] });
        await _store.AddAgentAsync(new AgentRecord("b", "beta", null, null, false, T0));
    }

    [TearDown]
    public async Task TearDown() => await _store.DisposeAsync();

    private static StoredReport Report(string agent, DateTimeOffset at, string attestation, string? quote, params (string Control, string Status)[] verdicts) =>
        new(Guid.NewGuid(), agent, agent == "a" ? "alpha" : "beta", at, "rand-sl1", attestation, new VerdictCounts(1, verdicts.Count(v => v.Status == "fail"), 0, 0, 0, 0, "SL0"),
            "SL0", $"{{\"at\":\"{at:O}\"}}", verdicts.Select(v => new StoredVerdict(v.Control, v.Status, null, "high")).ToList())
        { AttestationJson = quote };

    [Test]
    public async Task AgentsKeepTheirEndorsementKeyThroughPendingEnrolment()
    {
        Assert.That((await _store.GetAgentAsync("a"))!.EkPublic, Is.EqualTo(new byte[] { 2, 3 }));
        Assert.That((await _store.GetAgentAsync("a"))!.EkCertificate, Is.EqualTo(new byte[] { 4 }));
        Assert.That((await _store.GetAgentAsync("b"))!.EkPublic, Is.Null);
        var pending = new PendingEnrollment("e", new AgentRecord("c", "gamma", null, [1], false, T0) { EkPublic = [7] }, "CSR", [9], T0.AddMinutes(5));
        await _store.AddPendingEnrollmentAsync(pending);
        var taken = await _store.TakePendingEnrollmentAsync("e");
        Assert.That(taken!.Agent.EkPublic, Is.EqualTo(new byte[] { 7 }));
        Assert.That(taken.Agent.EkCertificate, Is.Null);
    }

    [Test]
    public async Task ReportBodiesComeBackAsStoredOldestFirstAndSince()
    {
        var early = Report("a", T0, "verified", "{\"q\":1}");
        var late = Report("a", T0.AddDays(2), "verified", "{\"q\":2}");
        await _store.AddReportAsync(late);
        await _store.AddReportAsync(early);
        await _store.AddReportAsync(Report("b", T0, "absent", null));

        var body = await _store.GetReportBodyAsync(early.ReportId);
        Assert.That(body, Is.EqualTo(new StoredReportBody(early.ReportId, "a", T0, "rand-sl1", early.ReportJson, "{\"q\":1}")));
        Assert.That(await _store.GetReportBodyAsync(Guid.NewGuid()), Is.Null);
        Assert.That((await _store.ReportBodiesAsync("a", null)).Select(r => r.ReportId), Is.EqualTo(new[] { early.ReportId, late.ReportId }));
        Assert.That((await _store.ReportBodiesAsync("a", T0.AddDays(1))).Select(r => r.ReportId), Is.EqualTo(new[] { late.ReportId }));
        Assert.That((await _store.ReportBodiesAsync("b", null)).Single().AttestationJson, Is.Null);
    }

    [Test]
    public async Task FailingControlsCountEachHostsLatestReportUnderTheFilter()
    {
        await _store.AddReportAsync(Report("a", T0, "absent", null, ("WG-1", "fail"), ("WG-2", "fail")));
        await _store.AddReportAsync(Report("a", T0.AddHours(1), "absent", null, ("WG-1", "fail"), ("WG-2", "pass"), ("WG-3", "error")));
        await _store.AddReportAsync(Report("b", T0, "absent", null, ("WG-1", "fail"), ("WG-3", "pass")));
        await _store.SetHostLabelsAsync("b", ["eu"]);
        Assert.That(await _store.FailingControlsAsync(new HostFilter()),
            Is.EqualTo(new[] { new FailingControl("WG-1", "high", 2, 0), new FailingControl("WG-3", "high", 0, 1) }));
        Assert.That(await _store.FailingControlsAsync(new HostFilter(Label: "eu")), Is.EqualTo(new[] { new FailingControl("WG-1", "high", 1, 0) }));
        Assert.That(await _store.FailingControlsAsync(new HostFilter(Profile: "rand-sl5")), Is.Empty);
    }

    [Test]
    public async Task HostFiltersAgreeWithHostState()
    {
        await _store.AddAgentAsync(new AgentRecord("c", "gamma", null, null, false, T0));
        await _store.AddAgentAsync(new AgentRecord("d", "delta", null, null, false, T0));
        await _store.AddReportAsync(Report("a", T0, "verified", "{}", ("WG-1", "fail")));
        await _store.AddReportAsync(Report("b", T0, "absent", null, ("WG-1", "pass")));
        await _store.AddReportAsync(Report("d", T0, "absent", null, ("WG-1", "pass")));
        await _store.RevokeAgentAsync("d", T0);
        await _store.SetHostLabelsAsync("c", ["eu"]);

        var all = await _store.FindHostsAsync(new HostFilter());
        Assert.That(all.Select(h => h.AgentId), Is.EqualTo(new[] { "a", "b", "d", "c" }), "by host name (d reported as beta), then agent id");
        Assert.That(await _store.CountHostsAsync(), Is.EqualTo(4));
        foreach (var state in HostState.All)
            Assert.That((await _store.FindHostsAsync(new HostFilter(State: state))).Select(h => h.AgentId),
                Is.EqualTo(all.Where(h => HostState.Of(h) == state).Select(h => h.AgentId)), state);
        Assert.That((await _store.FindHostsAsync(new HostFilter(State: "bogus"))), Is.Empty);
        Assert.That((await _store.FindHostsAsync(new HostFilter(Label: "eu"))).Single().AgentId, Is.EqualTo("c"));
        Assert.That((await _store.FindHostsAsync(new HostFilter(Profile: "rand-sl1", Level: "SL0", State: HostState.Failing))).Single().AgentId, Is.EqualTo("a"));
        Assert.That(await _store.FindHostsAsync(new HostFilter(Level: "SL3")), Is.Empty);
    }

    [Test]
    public async Task LabelsAreReplacedNotAppended()
    {
        await _store.SetHostLabelsAsync("a", ["zeta", "alpha", "alpha"]);
        await _store.SetHostLabelsAsync("b", ["one"]);
        await _store.SetHostLabelsAsync("b", ["two"]);
        var labels = await _store.HostLabelsAsync();
        Assert.That(labels["a"], Is.EqualTo(new[] { "alpha", "zeta" }));
        Assert.That(labels["b"], Is.EqualTo(new[] { "two" }));
        await _store.SetHostLabelsAsync("b", []);
        Assert.That(await _store.HostLabelsAsync(), Does.Not.ContainKey("b"));
    }

    [Test]
    public async Task BaselineIsTheFirstVerifiedQuoteUntilAnAdminChoosesAnother()
    {
        Assert.That(await _store.GetPcrBaselineAsync("a"), Is.Null);
        var first = Report("a", T0, "verified", "{\"q\":1}");
        var second = Report("a", T0.AddHours(1), "verified", "{\"q\":2}");
        await _store.AddReportAsync(second);
        await _store.AddReportAsync(first);
        Assert.That(await _store.GetPcrBaselineAsync("a"), Is.EqualTo(new PcrBaseline(first.ReportId, T0, "{\"q\":1}", null, null)));

        Assert.That(await _store.SetPcrBaselineAsync("a", second.ReportId, "adam", T0.AddDays(1)), Is.True);
        Assert.That(await _store.GetPcrBaselineAsync("a"), Is.EqualTo(new PcrBaseline(second.ReportId, T0.AddHours(1), "{\"q\":2}", "adam", T0.AddDays(1))));
        Assert.That(await _store.SetPcrBaselineAsync("a", first.ReportId, "eve", T0.AddDays(2)), Is.True, "an admin may go back");
        Assert.That((await _store.GetPcrBaselineAsync("a"))!.SetBy, Is.EqualTo("eve"));
    }

    [Test]
    public async Task OnlyAVerifiedReportOfTheSameHostCanBecomeItsBaseline()
    {
        var other = Report("b", T0, "absent", null);
        await _store.AddReportAsync(other);
        Assert.That(await _store.SetPcrBaselineAsync("a", other.ReportId, "adam", T0), Is.False, "another host's report");
        Assert.That(await _store.SetPcrBaselineAsync("b", other.ReportId, "adam", T0), Is.False, "a report without a quote");
        Assert.That(await _store.SetPcrBaselineAsync("a", Guid.NewGuid(), "adam", T0), Is.False, "no such report");
        Assert.That(await _store.GetPcrBaselineAsync("b"), Is.Null);
    }

    [Test]
    public async Task ExportsChainToTheNewest()
    {
        Assert.That(await _store.LastExportAsync(), Is.Null);
        await _store.AddExportAsync(new string('1', 64), T0, "cli");
        await _store.AddExportAsync(new string('2', 64), T0.AddHours(1), "audrey");
        Assert.That(await _store.LastExportAsync(), Is.EqualTo(new string('2', 64)));
    }

    [Test]
    public async Task WaiversAreListedOldestFirstAndDeletedOnce()
    {
        var later = new StoredWaiver(Guid.NewGuid(), "WG-2", "gpu-*", "vendor fix due", "ada", new DateOnly(2027, 1, 31), T0.AddHours(1));
        var first = new StoredWaiver(Guid.NewGuid(), "WG-1", "alpha", "lab host", "bob", new DateOnly(2026, 12, 1), T0);
        await _store.AddWaiverAsync(later);
        await _store.AddWaiverAsync(first);
        Assert.That(await _store.ListWaiversAsync(), Is.EqualTo(new[] { first, later }));
        Assert.That(await _store.DeleteWaiverAsync(first.WaiverId), Is.True);
        Assert.That(await _store.DeleteWaiverAsync(first.WaiverId), Is.False);
        Assert.That(await _store.ListWaiversAsync(), Is.EqualTo(new[] { later }));
    }
}

/// <summary>The dashboard store contract on SQLite.</summary>
public sealed class SqliteDashboardStoreTests : DashboardStoreContractTests
{
    private readonly TemporarySqliteStores _stores = new();

    protected override SqlStore CreateStore() => _stores.Create();

    [TearDown]
    public void RemoveDirectory() => _stores.Remove();
}

/// <summary>The dashboard store contract on PostgreSQL (a fresh database per test).</summary>
[NonParallelizable]
public sealed class PostgresDashboardStoreTests : DashboardStoreContractTests
{
    protected override SqlStore CreateStore() => new PostgresStore(PostgresServer.Shared.CreateDatabase());
}
