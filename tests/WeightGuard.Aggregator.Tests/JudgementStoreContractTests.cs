using WeightGuard.Aggregator.Storage;
using static WeightGuard.Aggregator.Tests.StoredReports;

namespace WeightGuard.Aggregator.Tests;

/// <summary>
/// The store's side of the fleet judgement, run unchanged against SQLite and PostgreSQL: the current judgement, hosts to
/// judge again, failing verdicts, duplicate names, the policy, manual attestations and refused submissions.
/// </summary>
public abstract class JudgementStoreContractTests
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
        await _store.AddAgentAsync(new AgentRecord("a", "alpha", null, null, false, T0));
        await _store.AddAgentAsync(new AgentRecord("b", "beta", null, null, false, T0));
    }

    [TearDown]
    public async Task TearDown() => await _store.DisposeAsync();

    [Test]
    public async Task JudgementOfTheLatestReportReplacesTheCurrentOneWhole()
    {
        var report = Create("a", "alpha", T0, "SL0", [Verdict("WG-TPM-001", "fail")]);
        await _store.AddReportAsync(report);
        List<CurrentVerdict> verdicts = [Verdict("WG-TPM-001", "waived", "rand-sl3"), Verdict("WG-ACL-004", "fail", "rand-sl3"), Verdict("WG-X-001", "attested", "rand-sl3")];
        var judgement = JudgementOf(report.ReportId, "SL2", verdicts, T0.AddDays(2), pcrDrift: true);
        Assert.That(await _store.SetJudgementAsync("a", judgement), Is.True);

        var detail = (await _store.GetHostAsync("a", 10))!;
        Assert.Multiple(() =>
        {
            Assert.That(detail.Verdicts, Is.EquivalentTo(verdicts), "the rand-sl1 verdicts of the first judgement are gone");
            Assert.That(detail.Host.Assessments, Is.EqualTo(new[] { new ProfileAssessment("rand-sl3", true, 0, 1, 0, 0, 1, 0, 1) }));
            Assert.That(detail.Host.Rand, Is.EqualTo(judgement.Rand));
            Assert.That(detail.Host.PcrDrift, Is.True);
            Assert.That(detail.Host.JudgedUntil, Is.EqualTo(T0.AddDays(2)));
            Assert.That(detail.History.Single().Judgement.Rand, Is.EqualTo(report.Judgement.Rand), "what was judged at receipt stays");
        });
        Assert.That((await _store.AllHostsAsync()).Single(h => h.AgentId == "a").Assessments, Is.EqualTo(detail.Host.Assessments));
        Assert.That(await _store.SetJudgementAsync("b", judgement), Is.False, "not b's report");
        Assert.That(await _store.SetJudgementAsync("nobody", judgement), Is.False);
    }

    [Test]
    public async Task JudgementOfAReportNoLongerTheLatestIsRefused()
    {
        var old = Create("a", "alpha", T0, "SL0", [Verdict("WG-TPM-001", "fail")]);
        var newer = Create("a", "alpha", T0.AddHours(1), "SL1", [Verdict("WG-TPM-001", "pass")]);
        await _store.AddReportAsync(old);
        await _store.AddReportAsync(newer);
        Assert.That(await _store.SetJudgementAsync("a", JudgementOf(old.ReportId, "SL5", [Verdict("WG-TPM-001", "waived")])), Is.False);
        Assert.That((await _store.GetHostAsync("a", 1))!.Verdicts.Single().Status, Is.EqualTo("pass"));
        Assert.That((await _store.GetHostAsync("a", 1))!.Host.Rand, Is.EqualTo(newer.Current.Rand));
    }

    [Test]
    public async Task HostsToJudgeAreThoseWithAReportWhoseJudgementLapsedByThen()
    {
        await _store.AddAgentAsync(new AgentRecord("c", "gamma", null, null, false, T0));
        var a = Create("a", "alpha", T0, "SL0", [Verdict("WG-TPM-001", "waived")]);
        var b = Create("b", "beta", T0, "SL0", [Verdict("WG-TPM-001", "fail")]);
        await _store.AddReportAsync(a);
        await _store.AddReportAsync(b);
        await _store.SetJudgementAsync("a", JudgementOf(a.ReportId, "SL0", [Verdict("WG-TPM-001", "waived")], validUntil: T0.AddDays(1)));

        Assert.That(await _store.HostsToJudgeAsync(T0.AddDays(1).AddTicks(-TimeSpan.TicksPerMillisecond)), Is.Empty);
        Assert.That(await _store.HostsToJudgeAsync(T0.AddDays(1)), Is.EqualTo(new[] { ("a", a.ReportId) }));
        Assert.That(await _store.HostsToJudgeAsync(null), Is.EquivalentTo(new[] { ("a", a.ReportId), ("b", b.ReportId) }), "c has no report");
    }

    [Test]
    public async Task AllHostsComeWithLabelsAndAssessmentsByName()
    {
        await _store.AddAgentAsync(new AgentRecord("c", "Aardvark", null, [1], true, T0));
        var report = Create("b", "beta", T0, "SL1", [Verdict("WG-TPM-001", "pass"), Verdict("WG-ACL-004", "fail", "rand-sl3")]);
        await _store.AddReportAsync(report);
        await _store.SetHostLabelsAsync("b", ["role=inference", "eu"]);
        var hosts = await _store.AllHostsAsync();
        Assert.That(hosts.Select(h => h.AgentId), Is.EqualTo(new[] { "c", "a", "b" }), "by name");
        var b = hosts.Single(h => h.AgentId == "b");
        Assert.Multiple(() =>
        {
            Assert.That(b.Labels, Is.EqualTo(new[] { "eu", "role=inference" }));
            Assert.That(b.Assessments.Select(x => (x.Profile, x.Passed, x.Failed)), Is.EquivalentTo(new[] { ("rand-sl1", 1, 0), ("rand-sl3", 0, 1) }));
            Assert.That(b.Latest!.ReportId, Is.EqualTo(report.ReportId));
            Assert.That(hosts.Single(h => h.AgentId == "a").Latest, Is.Null);
            Assert.That(hosts.Single(h => h.AgentId == "a").Assessments, Is.Empty);
            Assert.That(hosts.Single(h => h.AgentId == "c").HasTpm, Is.True);
        });
    }

    [Test]
    public async Task FailingVerdictsAreTheCurrentFailedAndErredOnes()
    {
        var a = Create("a", "alpha", T0, "SL0", [Verdict("WG-TPM-001", "fail"), Verdict("WG-DISK-001", "error", severity: "critical"), Verdict("WG-ACL-001", "pass")]);
        await _store.AddReportAsync(a);
        await _store.AddReportAsync(Create("b", "beta", T0, "SL0", [Verdict("WG-TPM-001", "waived"), Verdict("WG-ACL-004", "fail", "rand-sl3")]));
        Assert.That(await _store.FailingVerdictsAsync(), Is.EquivalentTo(new[]
        {
            new FailingVerdict("a", "rand-sl1", "WG-TPM-001", "fail", "high"), new FailingVerdict("a", "rand-sl1", "WG-DISK-001", "error", "critical"),
            new FailingVerdict("b", "rand-sl3", "WG-ACL-004", "fail", "high"),
        }));
        await _store.SetJudgementAsync("a", JudgementOf(a.ReportId, "SL1", [Verdict("WG-TPM-001", "waived"), Verdict("WG-DISK-001", "pass")]));
        Assert.That((await _store.FailingVerdictsAsync()).Select(v => v.AgentId), Is.EqualTo(new[] { "b" }), "a waiver judged since counts no more");
    }

    [Test]
    public async Task DuplicateNamesIgnoreCaseAndRevokedHosts()
    {
        Assert.That(await _store.DuplicateNamesAsync(), Is.Empty);
        await _store.AddAgentAsync(new AgentRecord("c", "ALPHA", null, null, false, T0));
        await _store.AddAgentAsync(new AgentRecord("d", "beta", null, null, false, T0));
        await _store.AddAgentAsync(new AgentRecord("e", "gamma", null, null, false, T0));
        await _store.AddAgentAsync(new AgentRecord("f", "gamma", null, null, false, T0));
        await _store.RevokeAgentAsync("f", T0);
        Assert.That(await _store.DuplicateNamesAsync(), Is.EquivalentTo(new[] { "alpha", "beta" }));
    }

    [Test]
    public async Task PolicyIsAbsentUntilSetThenReplaced()
    {
        Assert.That(await _store.GetPolicyAsync(), Is.Null);
        var first = new StoredPolicy("staleAfter: 2h\nassignments: []\n", T0, "adam");
        await _store.SetPolicyAsync(first);
        Assert.That(await _store.GetPolicyAsync(), Is.EqualTo(first));
        var second = new StoredPolicy("staleAfter: 5s\nassignments:\n  - hosts: \"*\"\n    profiles: [rand-sl3]\n", T0.AddHours(1), "eve 'quoted' \"admin\"");
        await _store.SetPolicyAsync(second);
        Assert.That(await _store.GetPolicyAsync(), Is.EqualTo(second));
    }

    [Test]
    public async Task AttestationsAreListedOldestFirstAndWithdrawnOnce()
    {
        var later = new StoredAttestation(Guid.NewGuid(), "WG-GOV-001", null, new Dictionary<string, string> { ["role"] = "inference", ["site"] = "eu" },
            "access reviewed quarterly", "sha256:" + new string('a', 64), "audrey", T0.AddHours(1), T0.AddDays(90));
        var first = new StoredAttestation(Guid.NewGuid(), "WG-GOV-002", "gpu-*", new Dictionary<string, string>(), "two-person rule\nfor key access", null,
            "adam", T0, T0.AddDays(30));
        await _store.AddAttestationAsync(later);
        await _store.AddAttestationAsync(first);
        var listed = await _store.ListAttestationsAsync();
        Assert.That(listed.Select(a => a with { Labels = first.Labels }), Is.EqualTo(new[] { first, later with { Labels = first.Labels } }));
        Assert.That(listed[1].Labels, Is.EquivalentTo(later.Labels));

        Assert.That(await _store.WithdrawAttestationAsync(first.AttestationId, T0.AddDays(2)), Is.True);
        Assert.That(await _store.WithdrawAttestationAsync(first.AttestationId, T0.AddDays(3)), Is.False, "already withdrawn");
        Assert.That(await _store.WithdrawAttestationAsync(Guid.NewGuid(), T0), Is.False);
        Assert.That((await _store.ListAttestationsAsync()).Select(a => a.WithdrawnAt), Is.EqualTo(new DateTimeOffset?[] { T0.AddDays(2), null }),
            "withdrawn, not erased: judgements made while it stood re-derive with it");
    }

    [Test]
    public async Task WaiversAreListedOldestFirstAndWithdrawnOnce()
    {
        var later = new StoredWaiver(Guid.NewGuid(), "WG-2", "gpu-*", "vendor fix due", "ada", new DateOnly(2027, 1, 31), T0.AddHours(1))
        {
            Labels = new Dictionary<string, string> { ["role"] = "training" },
        };
        var first = new StoredWaiver(Guid.NewGuid(), "WG-1", "alpha", "lab host", "bob", new DateOnly(2026, 12, 1), T0);
        await _store.AddWaiverAsync(later);
        await _store.AddWaiverAsync(first);
        var listed = await _store.ListWaiversAsync();
        Assert.That(listed.Select(w => w with { Labels = first.Labels }), Is.EqualTo(new[] { first, later with { Labels = first.Labels } }));
        Assert.That(listed[1].Labels, Is.EquivalentTo(later.Labels));
        Assert.That(await _store.WithdrawWaiverAsync(first.WaiverId, T0.AddDays(1)), Is.True);
        Assert.That(await _store.WithdrawWaiverAsync(first.WaiverId, T0.AddDays(2)), Is.False);
        Assert.That(await _store.WithdrawWaiverAsync(Guid.NewGuid(), T0), Is.False);
        Assert.That((await _store.ListWaiversAsync()).Select(w => (w.WaiverId, w.WithdrawnAt)),
            Is.EqualTo(new[] { (first.WaiverId, (DateTimeOffset?)T0.AddDays(1)), (later.WaiverId, null) }));
    }

    [Test]
    public async Task RefusalsAreKeptNewestFirstAndTheLastIsOnTheHost()
    {
        await _store.AddReportAsync(Create("a", "alpha", T0, "SL0", [Verdict("WG-TPM-001", "fail")]));
        var nonce = new Refusal(T0.AddHours(1), "nonce", "nonce already used by an earlier report");
        var quote = new Refusal(T0.AddHours(2), "quote", "expected pcrDigest 00ab…, found 11cd…");
        await _store.AddRefusalAsync("a", nonce);
        await _store.AddRefusalAsync("a", quote);
        var detail = (await _store.GetHostAsync("a", 10))!;
        Assert.Multiple(() =>
        {
            Assert.That(detail.Refusals, Is.EqualTo(new[] { quote, nonce }));
            Assert.That(detail.Host.LastRefusal, Is.EqualTo(quote));
            Assert.That(detail.Host.Latest, Is.Not.Null, "a refusal replaces no report");
        });
        Assert.That((await _store.GetHostAsync("a", 1))!.Refusals, Is.EqualTo(new[] { quote }));
        Assert.That((await _store.GetHostAsync("b", 10))!.Refusals, Is.Empty);
        Assert.That((await _store.AllHostsAsync()).Single(h => h.AgentId == "b").LastRefusal, Is.Null);
    }
}

/// <summary>The judgement store contract on SQLite.</summary>
public sealed class SqliteJudgementStoreTests : JudgementStoreContractTests
{
    private readonly TemporarySqliteStores _stores = new();

    protected override SqlStore CreateStore() => _stores.Create();

    [TearDown]
    public void RemoveDirectory() => _stores.Remove();
}

/// <summary>The judgement store contract on PostgreSQL (a fresh database per test).</summary>
[NonParallelizable]
public sealed class PostgresJudgementStoreTests : JudgementStoreContractTests
{
    protected override SqlStore CreateStore() => new PostgresStore(PostgresServer.Shared.CreateDatabase());
}
