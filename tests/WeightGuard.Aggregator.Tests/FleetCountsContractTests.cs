using WeightGuard.Aggregator.Judgement;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Catalog;
using static WeightGuard.Aggregator.Tests.StoredReports;

namespace WeightGuard.Aggregator.Tests;

/// <summary>
/// The fleet pages' counts and ordered pages, computed in SQL, against SQLite and PostgreSQL: for every filter and sort
/// they equal what judging each host's state with <see cref="HostState.Of"/> over every host and counting in memory gives.
/// </summary>
public abstract class FleetCountsContractTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = T0.AddHours(1);
    private static readonly FleetPolicy Policy = FleetPolicy.Default;
    private IAggregatorStore _store = null!;

    /// <summary>A fresh, empty, not yet migrated store.</summary>
    protected abstract SqlStore CreateStore();

    [OneTimeSetUp]
    public async Task SeedFleet()
    {
        _store = CreateStore();
        await _store.MigrateAsync();
        async Task Host(string id, string name, DateTimeOffset? at, string level, IReadOnlyList<CurrentVerdict> verdicts, bool drift = false)
        {
            await _store.AddAgentAsync(new AgentRecord(id, name, null, null, false, T0.AddDays(-1)));
            if (at is not { } received) return;
            var report = Create(id, name, received, level, verdicts);
            await _store.AddReportAsync(report with { Current = report.Current with { PcrDrift = drift } });
        }
        List<CurrentVerdict> failing = [Verdict("WG-TPM-001", "fail"), Verdict("WG-DISK-001", "error", severity: "critical"), Verdict("WG-TPM-001", "pass", "rand-sl3"),
            Verdict("WG-ACL-004", "fail", "rand-sl3")];
        List<CurrentVerdict> compliant = [Verdict("WG-TPM-001", "pass"), Verdict("WG-DISK-001", "waived", severity: "critical")];
        await Host("a", "alpha", T0, "SL0", failing);
        await Host("b", "Beta", T0, "SL1", compliant);
        await Host("c", "carol_1", null, "SL0", []);
        await Host("d", "delta", T0, "SL0", failing);
        await _store.RevokeAgentAsync("d", T0.AddMinutes(1));
        await Host("e", "echo", T0, "SL1", compliant);
        await _store.AddRefusalAsync("e", new Refusal(T0.AddMinutes(5), "quote", "signature does not verify"));
        await Host("f", "foxtrot", T0.AddHours(-5), "SL1", compliant);
        await Host("g", "golf", T0, "SL2", compliant, drift: true);
        await Host("h", "ALPHA", T0.AddMinutes(2), "SL0", [Verdict("WG-TPM-001", "fail", "rand-sl3")]);
        await Host("i", "india", T0, "SL2", [Verdict("WG-TPM-001", "error", "rand-sl3"), Verdict("WG-TPM-001", "fail")]);
        await _store.SetHostLabelsAsync("a", ["training"]);
        await _store.SetHostLabelsAsync("b", ["training", "eu"]);
        await _store.SetHostLabelsAsync("c", ["training"]);
        await _store.SetHostLabelsAsync("i", ["eu"]);
    }

    [OneTimeTearDown]
    public async Task DisposeStore() => await _store.DisposeAsync();

    private static IEnumerable<FleetQuery> Queries() =>
    [
        new(Now, Policy.StaleAfter), new(Now, Policy.StaleAfter, Profile: "rand-sl3"), new(Now, Policy.StaleAfter, Profile: "rand-sl1", Label: "training"),
        new(Now, Policy.StaleAfter, Label: "eu"), new(Now, Policy.StaleAfter, State: HostState.Failing), new(Now, Policy.StaleAfter, State: HostState.Compliant),
        new(Now, Policy.StaleAfter, Profile: "rand-sl3", State: HostState.Compliant), new(Now, Policy.StaleAfter, State: HostState.Stale),
        new(Now, Policy.StaleAfter, Level: "SL1"), new(Now, Policy.StaleAfter, Search: "ALP"), new(Now, Policy.StaleAfter, Search: "l_1"),
        new(Now, Policy.StaleAfter, Search: "%"), new(Now, Policy.StaleAfter, Profile: "rand-sl9"),
        // Staleness at the boundary: exactly staleAfter old is not stale, a tick older is.
        new(T0.AddHours(-5) + Policy.StaleAfter, Policy.StaleAfter, State: HostState.Stale),
        new(T0.AddHours(-5) + Policy.StaleAfter + TimeSpan.FromTicks(1), Policy.StaleAfter, State: HostState.Stale),
    ];

    [TestCaseSource(nameof(Queries))]
    public async Task CountsEqualJudgingEveryHost(FleetQuery query)
    {
        var admitted = await AdmittedAsync(query);
        var counts = await _store.FleetCountsAsync(query);
        var expectedFailing = (await _store.FailingVerdictsAsync())
            .Where(v => admitted.Any(h => h.AgentId == v.AgentId) && (query.Profile is null || v.Profile == query.Profile))
            .GroupBy(v => v.ControlId)
            .Select(g => new FailingControl(g.Key, g.First().Severity, g.Where(v => v.Status == "fail").Select(v => v.AgentId).Distinct().Count(),
                g.Where(v => v.Status == "error").Select(v => v.AgentId).Distinct().Count()));
        var expectedProfiles = admitted.SelectMany(h => h.Assessments.Where(a => query.Profile is null || a.Profile == query.Profile)
                .Select(a => (a.Profile, State: HostState.Of(h, a, Policy with { StaleAfter = query.StaleAfter }, query.Now))))
            .GroupBy(x => x.Profile).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count(), g.GroupBy(x => x.State).ToDictionary(s => s.Key, s => s.Count())));
        Assert.Multiple(() =>
        {
            Assert.That(counts.Total, Is.EqualTo(9));
            Assert.That(counts.Shown, Is.EqualTo(admitted.Count));
            Assert.That(counts.States, Is.EquivalentTo(admitted.GroupBy(h => StateOf(h, query)).ToDictionary(g => g.Key, g => g.Count())));
            Assert.That(counts.HostControlsMet, Is.EquivalentTo(admitted.Where(h => h.Rand is not null).GroupBy(h => h.Rand!.HostControlsMet).ToDictionary(g => g.Key, g => g.Count())));
            Assert.That(counts.Attested, Is.EquivalentTo(admitted.Where(h => h.Rand is not null).GroupBy(h => h.Rand!.Attested).ToDictionary(g => g.Key, g => g.Count())));
            Assert.That(counts.Profiles.Select(p => (p.Profile, p.Hosts, p.States.ToDictionary(s => s.Key, s => s.Value))), Is.EqualTo(expectedProfiles));
            Assert.That(counts.Failing, Is.EquivalentTo(expectedFailing));
            Assert.That(counts.Unreported.Select(h => h.AgentId), Is.EquivalentTo(admitted.Where(h => h.Latest is null).Select(h => h.AgentId)));
            Assert.That(counts.UnassignedReported, Is.EqualTo(admitted.Count(h => h.Assessments.Count > 0 && h.Assessments.All(a => !a.Assigned))));
            Assert.That(counts.Labels, Is.EqualTo(new[] { "eu", "training" }));
            Assert.That(counts.JudgedProfiles, Is.EqualTo(new[] { "rand-sl1", "rand-sl3" }));
        });
    }

    private static IEnumerable<TestCaseData> Orders() =>
        from column in new string?[] { null, "name", "state", "rand", "attested", "failed", "errors", "last" }
        from reversed in new[] { false, true }
        from profile in new[] { null, "rand-sl1" }
        select new TestCaseData(column, reversed, profile);

    [TestCaseSource(nameof(Orders))]
    public async Task PagesFollowTheOrderAskedThenNameThenId(string? column, bool descending, string? profile)
    {
        var query = new FleetQuery(Now, Policy.StaleAfter, Profile: profile);
        var admitted = await AdmittedAsync(query);
        int Counted(HostRow h, Func<ProfileAssessment, int> count) => h.Assessments.Where(a => profile is null || a.Profile == profile).Sum(count);
        IOrderedEnumerable<HostRow> ordered = column switch
        {
            "state" => admitted.OrderBy(h => HostState.All.ToList().IndexOf(StateOf(h, query))),
            "rand" => admitted.OrderByDescending(h => h.Rand?.HostControlsMet ?? "", StringComparer.Ordinal),
            "attested" => admitted.OrderByDescending(h => h.Rand?.Attested ?? "", StringComparer.Ordinal),
            "failed" => admitted.OrderByDescending(h => Counted(h, a => a.Failed)),
            "errors" => admitted.OrderByDescending(h => Counted(h, a => a.Errors)),
            "last" => admitted.OrderByDescending(h => h.Latest?.ReceivedAt ?? DateTimeOffset.MinValue),
            _ => admitted.OrderBy(h => h.Hostname, StringComparer.OrdinalIgnoreCase),
        };
        var expected = ordered.ThenBy(h => h.Hostname, StringComparer.OrdinalIgnoreCase).ThenBy(h => h.AgentId, StringComparer.Ordinal).Select(h => h.AgentId).ToList();
        if (descending) expected.Reverse();

        var order = new FleetOrder(column, descending);
        var whole = await _store.FleetHostsAsync(query, order, 0, 100);
        var paged = (await _store.FleetHostsAsync(query, order, 0, 3)).Concat(await _store.FleetHostsAsync(query, order, 3, 100)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(whole.Select(h => h.AgentId), Is.EqualTo(expected));
            Assert.That(paged.Select(h => h.AgentId), Is.EqualTo(expected), "pages join up");
            Assert.That(whole.Single(h => h.AgentId == "b").Labels, Is.EqualTo(new[] { "eu", "training" }), "rows carry labels");
            Assert.That(whole.Single(h => h.AgentId == "a").Assessments, Has.Count.EqualTo(2), "and every assessment, whatever the filter");
        });
    }

    [Test]
    public async Task ControlVerdictsAreCountedPerStatusAndPaged()
    {
        var page = await _store.ControlVerdictsAsync("WG-TPM-001", null, 0, 100);
        var all = await _store.ControlAcrossFleetAsync("WG-TPM-001");
        var firstFail = await _store.ControlVerdictsAsync("WG-TPM-001", "fail", 0, 2);
        var restFail = await _store.ControlVerdictsAsync("WG-TPM-001", "fail", 2, 2);
        Assert.Multiple(() =>
        {
            Assert.That(page.Verdicts, Is.EqualTo(all));
            Assert.That(page.Statuses, Is.EquivalentTo(all.GroupBy(v => v.Status).ToDictionary(g => g.Key, g => g.Count())));
            Assert.That(page.Matching, Is.EqualTo(all.Count));
            Assert.That(firstFail.Matching, Is.EqualTo(all.Count(v => v.Status == "fail")));
            Assert.That(firstFail.Verdicts.Concat(restFail.Verdicts), Is.EqualTo(all.Where(v => v.Status == "fail")));
        });
    }

    private async Task<List<HostRow>> AdmittedAsync(FleetQuery q) => (await _store.AllHostsAsync()).Where(h =>
        (q.Profile is null || h.Assessments.Any(a => a.Profile == q.Profile)) &&
        (q.Level is null || h.Rand?.HostControlsMet == q.Level) &&
        (q.Label is null || h.Labels.Contains(q.Label)) &&
        (q.State is null || StateOf(h, q) == q.State) &&
        (q.Search is null || h.Hostname.Contains(q.Search, StringComparison.OrdinalIgnoreCase))).ToList();

    private static string StateOf(HostRow h, FleetQuery q) => HostState.Of(h, q.Profile is null ? null : h.Assessments.FirstOrDefault(a => a.Profile == q.Profile),
        Policy with { StaleAfter = q.StaleAfter }, q.Now);
}

/// <summary>The fleet counts contract on SQLite.</summary>
public sealed class SqliteFleetCountsTests : FleetCountsContractTests
{
    private readonly TemporarySqliteStores _stores = new();

    protected override SqlStore CreateStore() => _stores.Create();

    [OneTimeTearDown]
    public void RemoveDirectory() => _stores.Remove();
}

/// <summary>The fleet counts contract on PostgreSQL.</summary>
[NonParallelizable]
public sealed class PostgresFleetCountsTests : FleetCountsContractTests
{
    protected override SqlStore CreateStore() => new PostgresStore(PostgresServer.Shared.CreateDatabase());
}
