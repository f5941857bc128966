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
        StoredReports.Create(agent, agent == "a" ? "alpha" : "beta", at, "SL0", verdicts.Select(v => StoredReports.Verdict(v.Control, v.Status)).ToList(), attestation, quote);

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
        Assert.That(body, Is.EqualTo(new StoredReportBody(early.ReportId, "a", T0, StoredReports.ScannedProfile, early.ReportJson, "{\"q\":1}")
        {
            Judgement = body!.Judgement,
        }));
        Assert.That(body.Judgement.Assessments, Is.EqualTo(early.Judgement.Assessments), "what was judged at receipt comes with the body");
        Assert.That(body.Judgement.Waivers, Is.EqualTo(early.Judgement.Waivers));
        Assert.That(await _store.GetReportBodyAsync(Guid.NewGuid()), Is.Null);
        Assert.That((await _store.ReportBodiesAsync("a", null)).Select(r => r.ReportId), Is.EqualTo(new[] { early.ReportId, late.ReportId }));
        Assert.That((await _store.ReportBodiesAsync("a", T0.AddDays(1))).Select(r => r.ReportId), Is.EqualTo(new[] { late.ReportId }));
        Assert.That((await _store.ReportBodiesAsync("b", null)).Single().AttestationJson, Is.Null);
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
    public async Task DailyAssessmentsAreEachHostsLastReportOfTheDayPerProfile()
    {
        await _store.AddReportAsync(Report("a", T0.AddDays(-3), "absent", null, ("WG-X", "fail")));
        await _store.AddReportAsync(Report("a", T0, "absent", null, ("WG-X", "fail")));
        await _store.AddReportAsync(Report("a", T0.AddHours(2), "absent", null, ("WG-X", "pass")));
        await _store.AddReportAsync(Report("b", T0.AddHours(1), "absent", null, ("WG-X", "fail")));
        await _store.AddReportAsync(Report("b", T0.AddHours(3), "absent", null, ("WG-X", "error")));
        await _store.AddReportAsync(Report("a", T0.AddDays(1), "absent", null, ("WG-X", "error")));
        var other = StoredReports.Create("b", "beta", T0.AddDays(1), "SL0", [StoredReports.Verdict("WG-X", "pass", profile: "rand-sl3")]);
        await _store.AddReportAsync(other);

        var day = DateOnly.FromDateTime(T0.UtcDateTime);
        Assert.That(await _store.DailyAssessmentsAsync("rand-sl1", T0.AddDays(-1)), Is.EqualTo(new[]
        {
            new DailyAssessment("a", day, true, "SL0"), new DailyAssessment("b", day, false, "SL0"), new DailyAssessment("a", day.AddDays(1), false, "SL0"),
        }), "the last report of each day counts, from the day asked; an erred control is not compliant");
        Assert.That(await _store.DailyAssessmentsAsync("rand-sl3", T0.AddDays(-1)), Is.EqualTo(new[] { new DailyAssessment("b", day.AddDays(1), true, "SL0") }));
        Assert.That(await _store.DailyAssessmentsAsync("rand-sl9", T0.AddDays(-9)), Is.Empty);

        var overEveryHost = Aggregator.Dashboard.ComplianceTrend.Points(await _store.DailyAssessmentsAsync("rand-sl1", T0.AddDays(-9)),
            new HashSet<string>(["a", "b"]));
        var summed = await _store.ComplianceOverTimeAsync("rand-sl1", T0.AddDays(-9));
        Assert.That(overEveryHost.Select(p => (p.Day, p.Hosts, p.Compliant, string.Join(",", p.RandLevels.OrderBy(l => l.Key)))),
            Is.EqualTo(summed.Select(p => (p.Day, p.Hosts, p.Compliant, string.Join(",", p.RandLevels.OrderBy(l => l.Key))))),
            "over every host, the per-host rows add up to the store's per-day sums the unfiltered overview reads");
    }

    [Test]
    public async Task ExportsChainToTheNewest()
    {
        Assert.That(await _store.LastExportAsync(), Is.Null);
        await _store.AddExportAsync(new string('1', 64), T0, "cli");
        await _store.AddExportAsync(new string('2', 64), T0.AddHours(1), "audrey");
        Assert.That(await _store.LastExportAsync(), Is.EqualTo(new string('2', 64)));
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
