using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Tests;

/// <summary>The store's behaviour, run unchanged against SQLite and PostgreSQL.</summary>
public abstract class StoreContractTests
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
    }

    [TearDown]
    public async Task TearDown() => await _store.DisposeAsync();

    private static AgentRecord Agent(string id, string host, byte[]? ak = null) => new(id, host, "machine-" + id, ak, ak is not null, T0);

    private static StoredReport Report(string agentId, string host, DateTimeOffset at, string level, string tpmStatus = "fail") =>
        StoredReports.Create(agentId, host, at, level, [StoredReports.Verdict("WG-DISK-001", "pass"), StoredReports.Verdict("WG-TPM-001", tpmStatus)]);

    [Test]
    public async Task MigratingTwiceChangesNothing()
    {
        await _store.MigrateAsync();
        await _store.AddAgentAsync(Agent("a", "h"));
        await _store.MigrateAsync();
        Assert.That(await _store.GetAgentAsync("a"), Is.Not.Null);
    }

    [Test]
    public async Task SingleUseTokenIsSpentOnce()
    {
        await _store.AddEnrollmentTokenAsync("hash", T0.AddHours(1), 1);
        Assert.That(await _store.ConsumeEnrollmentTokenAsync("hash", T0), Is.True);
        Assert.That(await _store.ConsumeEnrollmentTokenAsync("hash", T0), Is.False);
    }

    [Test]
    public async Task TokenAdmitsItsUsesAndNotAfterExpiry()
    {
        await _store.AddEnrollmentTokenAsync("hash", T0.AddHours(1), 3);
        Assert.That(await _store.ConsumeEnrollmentTokenAsync("hash", T0), Is.True);
        Assert.That(await _store.ConsumeEnrollmentTokenAsync("hash", T0.AddHours(1)), Is.False, "expired");
        Assert.That(await _store.ConsumeEnrollmentTokenAsync("other", T0), Is.False, "unknown");
    }

    [Test]
    public async Task ConcurrentSpendsOfASingleUseTokenAdmitOne()
    {
        await _store.AddEnrollmentTokenAsync("hash", T0.AddHours(1), 1);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _store.ConsumeEnrollmentTokenAsync("hash", T0)));
        Assert.That(results.Count(r => r), Is.EqualTo(1));
    }

    [Test]
    public async Task PendingEnrolmentIsTakenOnce()
    {
        var pending = new PendingEnrollment("e1", Agent("a", "h", [1, 2, 3]), "CSR", [9, 9], T0.AddMinutes(5));
        await _store.AddPendingEnrollmentAsync(pending);
        var taken = await _store.TakePendingEnrollmentAsync("e1");
        Assert.Multiple(() =>
        {
            Assert.That(taken!.Agent.AgentId, Is.EqualTo("a"));
            Assert.That(taken.Agent.AkPublic, Is.EqualTo(new byte[] { 1, 2, 3 }));
            Assert.That(taken.Agent.EkCertified, Is.True);
            Assert.That(taken.CredentialHash, Is.EqualTo(new byte[] { 9, 9 }));
            Assert.That(taken.ExpiresAt, Is.EqualTo(T0.AddMinutes(5)));
        });
        Assert.That(await _store.TakePendingEnrollmentAsync("e1"), Is.Null);
    }

    [Test]
    public async Task AgentRoundTripsAndIsRevokedOnce()
    {
        await _store.AddAgentAsync(Agent("a", "h", [7]));
        var agent = await _store.GetAgentAsync("a");
        Assert.That(agent, Is.EqualTo(Agent("a", "h", [7])).Using<AgentRecord>((x, y) =>
            x.AgentId == y.AgentId && x.Hostname == y.Hostname && x.MachineId == y.MachineId && x.AkPublic!.SequenceEqual(y.AkPublic!) &&
            x.EkCertified == y.EkCertified && x.EnrolledAt == y.EnrolledAt && x.RevokedAt == y.RevokedAt));
        Assert.That(await _store.RevokeAgentAsync("a", T0.AddDays(1)), Is.True);
        Assert.That(await _store.RevokeAgentAsync("a", T0.AddDays(2)), Is.True);
        Assert.That((await _store.GetAgentAsync("a"))!.RevokedAt, Is.EqualTo(T0.AddDays(1)), "the first revocation stands");
        Assert.That(await _store.RevokeAgentAsync("missing", T0), Is.False);
        Assert.That(await _store.GetAgentAsync("missing"), Is.Null);
    }

    [Test]
    public async Task NonceIsSpentOnceByItsOwnAgentBeforeExpiry()
    {
        Assert.That(await _store.AddNonceAsync("n1", "a", T0, T0.AddMinutes(5), 3), Is.Null);
        Assert.That(await _store.AddNonceAsync("n2", "a", T0, T0.AddMinutes(5), 3), Is.Null);
        Assert.Multiple(async () =>
        {
            Assert.That(await _store.ConsumeNonceAsync("n1", "b", T0), Is.EqualTo(NonceCheck.OtherAgent));
            Assert.That(await _store.ConsumeNonceAsync("n1", "a", T0), Is.EqualTo(NonceCheck.Accepted));
            Assert.That(await _store.ConsumeNonceAsync("n1", "a", T0), Is.EqualTo(NonceCheck.AlreadyUsed));
            Assert.That(await _store.ConsumeNonceAsync("n2", "a", T0.AddMinutes(5)), Is.EqualTo(NonceCheck.Expired));
            Assert.That(await _store.ConsumeNonceAsync("n3", "a", T0), Is.EqualTo(NonceCheck.Unknown));
        });
    }

    [Test]
    public async Task ReportIsStoredOnceAndBecomesItsHostsLatest()
    {
        await _store.AddAgentAsync(Agent("a", "enrolled-name"));
        var first = Report("a", "host-a", T0, "SL0");
        var second = Report("a", "host-a2", T0.AddHours(1), "SL1", tpmStatus: "pass");
        Assert.That(await _store.AddReportAsync(first), Is.True);
        Assert.That(await _store.AddReportAsync(first), Is.False);
        Assert.That(await _store.AddReportAsync(second), Is.True);

        var found = await _store.FindReportAsync(first.ReportId);
        Assert.That(found!.Value.AgentId, Is.EqualTo("a"));
        var kept = found.Value.Report;
        Assert.Multiple(() =>
        {
            Assert.That(kept.ReportedName, Is.EqualTo("host-a"));
            Assert.That(kept.ProfileId, Is.EqualTo(StoredReports.ScannedProfile));
            Assert.That(kept.AgentRand, Is.EqualTo("SL5"));
            Assert.That(kept.Judgement.JudgedAt, Is.EqualTo(T0));
            Assert.That(kept.Judgement.Rand, Is.EqualTo(first.Judgement.Rand));
            Assert.That(kept.Judgement.Assessments, Is.EqualTo(first.Judgement.Assessments));
            Assert.That(kept.Judgement.Waivers, Is.EqualTo(new[] { "waiver-1" }));
            Assert.That(kept.Judgement.Attestations, Is.Empty);
        });
        Assert.That(await _store.FindReportAsync(Guid.NewGuid()), Is.Null);

        var host = (await _store.ListHostsAsync(new HostQuery())).Hosts.Single();
        Assert.Multiple(() =>
        {
            Assert.That(host.Hostname, Is.EqualTo("enrolled-name"), "a report's name never replaces the enrolled one");
            Assert.That(host.Latest!.ReportId, Is.EqualTo(second.ReportId));
            Assert.That(host.Latest.ReportedName, Is.EqualTo("host-a2"));
            Assert.That(host.Latest.Judgement.Rand.HostControlsMet, Is.EqualTo("SL1"));
            Assert.That(host.Rand, Is.EqualTo(second.Current.Rand));
            Assert.That(host.Assessments, Is.EqualTo(second.Current.Assessments));
        });
        var detail = await _store.GetHostAsync("a", 10);
        Assert.That(detail!.History.Select(r => r.ReportId), Is.EqualTo(new[] { second.ReportId, first.ReportId }));
        Assert.That(detail.Verdicts, Is.EqualTo(second.Current.Verdicts), "the current judgement is the latest report's");
        Assert.That((await _store.GetHostAsync("a", 1))!.History, Has.Count.EqualTo(1));
        Assert.That(await _store.GetHostAsync("missing", 10), Is.Null);
    }

    [Test]
    public async Task OlderReportArrivingLateDoesNotReplaceTheLatest()
    {
        await _store.AddAgentAsync(Agent("a", "h"));
        var newer = Report("a", "h", T0.AddHours(2), "SL1", tpmStatus: "pass");
        await _store.AddReportAsync(newer);
        await _store.AddReportAsync(Report("a", "h", T0, "SL0"));
        var host = (await _store.ListHostsAsync(new HostQuery())).Hosts.Single();
        Assert.That(host.Latest!.ReportId, Is.EqualTo(newer.ReportId));
        Assert.That(host.Rand, Is.EqualTo(newer.Current.Rand), "nor its judgement");
        Assert.That((await _store.GetHostAsync("a", 10))!.Verdicts.Single(v => v.ControlId == "WG-TPM-001").Status, Is.EqualTo("pass"));
    }

    [Test]
    public async Task HostWithoutReportsIsListedWithoutLatest()
    {
        await _store.AddAgentAsync(Agent("b", "beta"));
        await _store.AddAgentAsync(Agent("a", "alpha", [1]));
        var hosts = (await _store.ListHostsAsync(new HostQuery())).Hosts;
        Assert.That(hosts.Select(h => h.Hostname), Is.EqualTo(new[] { "alpha", "beta" }));
        Assert.That(hosts[0].HasTpm, Is.True);
        Assert.That(hosts[1].HasTpm, Is.False);
        Assert.That(hosts[1].Latest, Is.Null);
        Assert.That((await _store.GetHostAsync("b", 10))!.Verdicts, Is.Empty);
    }

    [Test]
    public async Task HostsArePagedAndSearchedByNameInAnyCase()
    {
        foreach (var name in new[] { "gpua1", "gpub1", "cpu_x", "cpuzx", "GPUA2" })
            await _store.AddAgentAsync(Agent(name, name));
        var page = await _store.ListHostsAsync(new HostQuery(Search: "gpu", Offset: 1, Limit: 1));
        Assert.That(page.Total, Is.EqualTo(3));
        Assert.That(page.Hosts.Single().Hostname, Is.AnyOf("gpua1", "gpub1", "GPUA2"));
        var all = await _store.ListHostsAsync(new HostQuery(Search: "gpu"));
        Assert.That(page.Hosts.Single().Hostname, Is.EqualTo(all.Hosts[1].Hostname), "pages are slices of one order");
        var search = await _store.ListHostsAsync(new HostQuery(Search: "gpua"));
        Assert.That(search.Hosts.Select(h => h.Hostname), Is.EquivalentTo(new[] { "gpua1", "GPUA2" }));
        Assert.That(search.Total, Is.EqualTo(2));
        var wildcard = await _store.ListHostsAsync(new HostQuery(Search: "_"));
        Assert.That(wildcard.Hosts.Select(h => h.Hostname), Is.EqualTo(new[] { "cpu_x" }), "LIKE wildcards in the search are literal");
        Assert.That((await _store.ListHostsAsync(new HostQuery(Search: "%"))).Total, Is.Zero);
    }

    [Test]
    public async Task ControlAcrossFleetReadsEachHostsLatestReport()
    {
        await _store.AddAgentAsync(Agent("a", "alpha"));
        await _store.AddAgentAsync(Agent("b", "beta"));
        await _store.AddAgentAsync(Agent("c", "gamma"));
        await _store.AddReportAsync(Report("a", "alpha", T0, "SL0", tpmStatus: "fail"));
        var latest = Report("a", "alpha", T0.AddHours(1), "SL1", tpmStatus: "pass");
        await _store.AddReportAsync(latest);
        var twoProfiles = StoredReports.Create("b", "reported-beta", T0, "SL0",
            [StoredReports.Verdict("WG-TPM-001", "fail"), StoredReports.Verdict("WG-TPM-001", "waived", "rand-sl3"), StoredReports.Verdict("WG-ACL-004", "fail", "rand-sl3")]);
        await _store.AddReportAsync(twoProfiles);
        var rows = await _store.ControlAcrossFleetAsync("WG-TPM-001");
        Assert.That(rows.Select(r => (r.AgentId, r.Hostname, r.Profile, r.Status)),
            Is.EqualTo(new[] { ("a", "alpha", "rand-sl1", "pass"), ("b", "beta", "rand-sl1", "fail"), ("b", "beta", "rand-sl3", "waived") }));
        Assert.That(rows[0].ReportId, Is.EqualTo(latest.ReportId));
        Assert.That(rows[0].ReceivedAt, Is.EqualTo(T0.AddHours(1)));
        Assert.That(await _store.ControlAcrossFleetAsync("WG-NONE-001"), Is.Empty);
    }

    [Test]
    public async Task ComplianceCountsEachHostsLastReportOfEachDay()
    {
        await _store.AddAgentAsync(Agent("a", "alpha"));
        await _store.AddAgentAsync(Agent("b", "beta"));
        await _store.AddReportAsync(Report("a", "alpha", T0, "SL0"));
        await _store.AddReportAsync(Report("a", "alpha", T0.AddHours(3), "SL1", tpmStatus: "pass"));     // replaces a's first report of the day
        await _store.AddReportAsync(Report("b", "beta", T0.AddHours(1), "SL0"));
        await _store.AddReportAsync(Report("a", "alpha", T0.AddDays(1), "SL1", tpmStatus: "pass"));
        await _store.AddReportAsync(Report("b", "beta", T0.AddDays(-10), "SL1", tpmStatus: "pass"));     // before the window

        var points = await _store.ComplianceOverTimeAsync("rand-sl1", T0.AddDays(-1));
        Assert.That(points, Has.Count.EqualTo(2));
        Assert.Multiple(() =>
        {
            Assert.That(points[0].Day, Is.EqualTo(DateOnly.FromDateTime(T0.UtcDateTime)));
            Assert.That(points[0].Hosts, Is.EqualTo(2));
            Assert.That(points[0].Compliant, Is.EqualTo(1));
            Assert.That(points[0].RandLevels, Is.EquivalentTo(new Dictionary<string, int> { ["SL0"] = 1, ["SL1"] = 1 }));
            Assert.That(points[1].Hosts, Is.EqualTo(1));
            Assert.That(points[1].Compliant, Is.EqualTo(1));
        });
        Assert.That(await _store.ComplianceOverTimeAsync("rand-sl5", T0.AddDays(-30)), Is.Empty);
    }

    [Test]
    public async Task AnAgentHoldsAtMostTheAllowedUnusedNonces()
    {
        Assert.That(await _store.AddNonceAsync("n1", "a", T0, T0.AddMinutes(5), 2), Is.Null);
        Assert.That(await _store.AddNonceAsync("n2", "a", T0.AddMinutes(1), T0.AddMinutes(6), 2), Is.Null);
        Assert.That(await _store.AddNonceAsync("n3", "a", T0.AddMinutes(2), T0.AddMinutes(7), 2), Is.EqualTo(T0.AddMinutes(5)), "refused until the first expires");
        Assert.That(await _store.AddNonceAsync("m1", "b", T0.AddMinutes(2), T0.AddMinutes(7), 2), Is.Null, "another agent's are its own");
        Assert.That(await _store.ConsumeNonceAsync("n1", "a", T0.AddMinutes(2)), Is.EqualTo(NonceCheck.Accepted));
        Assert.That(await _store.AddNonceAsync("n3", "a", T0.AddMinutes(2), T0.AddMinutes(7), 2), Is.Null, "a spent nonce frees its place");
        Assert.That(await _store.AddNonceAsync("n4", "a", T0.AddMinutes(6), T0.AddMinutes(11), 2), Is.Null, "so does an expired one");
    }

    [Test]
    public async Task ApiTokensAreFoundListedRevokedAndTouched()
    {
        await _store.AddApiTokenAsync("h1", new ApiTokenRecord("id1", "alice", "viewer", T0, T0.AddDays(90)));
        await _store.AddApiTokenAsync("h2", new ApiTokenRecord("id2", "bob", "admin", T0.AddMinutes(1), T0.AddDays(1)));
        await _store.AddApiTokenAsync("h3", new ApiTokenRecord("id3", "bob", "viewer", T0.AddMinutes(2), T0.AddDays(1)));
        Assert.That(await _store.FindApiTokenAsync("h1"), Is.EqualTo(new ApiTokenRecord("id1", "alice", "viewer", T0, T0.AddDays(90))));
        Assert.That(await _store.FindApiTokenAsync("h4"), Is.Null);
        Assert.That((await _store.ListApiTokensAsync()).Select(t => t.TokenId), Is.EqualTo(new[] { "id3", "id2", "id1" }));

        Assert.That((await _store.RevokeApiTokensAsync("bob", T0.AddHours(1))).Select(t => t.TokenId).Order(), Is.EqualTo(new[] { "id2", "id3" }));
        Assert.That(await _store.RevokeApiTokensAsync("bob", T0.AddHours(2)), Is.Empty, "already revoked");
        Assert.That(await _store.RevokeApiTokensAsync("id1", T0.AddHours(2)), Has.Count.EqualTo(1));
        await _store.TouchApiTokenAsync("id2", T0.AddMinutes(30));
        var bob = (await _store.GetApiTokenAsync("id2"))!;
        Assert.Multiple(() =>
        {
            Assert.That(bob.RevokedAt, Is.EqualTo(T0.AddHours(1)));
            Assert.That(bob.LastUsedAt, Is.EqualTo(T0.AddMinutes(30)));
            Assert.That(bob.IsActive(T0), Is.False);
        });
    }

    [Test]
    public async Task AuditRowsAreChainedInOrder()
    {
        var first = await _store.AppendAuditAsync(new Evidence.AuditAction("alice (token id1)", "waiver.added", "w1", "control X", "10.0.0.1"), T0);
        var second = await _store.AppendAuditAsync(new Evidence.AuditAction("bob (token id2)", "waiver.removed", "w1", "", "10.0.0.2"), T0.AddSeconds(1));
        Assert.Multiple(async () =>
        {
            Assert.That(first.Seq, Is.EqualTo(1));
            Assert.That(first.PreviousSha256, Is.EqualTo(Evidence.AuditChain.Genesis));
            Assert.That(second.Seq, Is.EqualTo(2));
            Assert.That(second.PreviousSha256, Is.EqualTo(first.Sha256));
            Assert.That(await _store.AuditAfterAsync(0, 10), Is.EqualTo(new[] { first, second }));
            Assert.That(await _store.AuditAfterAsync(1, 10), Is.EqualTo(new[] { second }));
            Assert.That(await _store.AuditBeforeAsync(long.MaxValue, 1), Is.EqualTo(new[] { second }));
        });
    }

    [Test]
    public async Task ManyVerdictsInOneReportAreStored()
    {
        await _store.AddAgentAsync(Agent("a", "h"));
        var verdicts = Enumerable.Range(0, 300).Select(i => StoredReports.Verdict($"WG-X-{i:000}", "pass", i % 2 == 0 ? "rand-sl1" : "rand-sl3", "low")).ToList();
        await _store.AddReportAsync(StoredReports.Create("a", "h", T0, "SL1", verdicts));
        Assert.That((await _store.GetHostAsync("a", 1))!.Verdicts, Is.EquivalentTo(verdicts));
    }
}

/// <summary>The store contract on SQLite.</summary>
public sealed class SqliteStoreTests : StoreContractTests
{
    private readonly TemporarySqliteStores _stores = new();

    protected override SqlStore CreateStore() => _stores.Create();

    [TearDown]
    public void RemoveDirectory() => _stores.Remove();

    [Test]
    public async Task DatabaseIsInWalMode()
    {
        await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_stores.Directory, "store.db")}");
        await db.OpenAsync();
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.That(await cmd.ExecuteScalarAsync(), Is.EqualTo("wal"));
    }
}

/// <summary>The store contract on PostgreSQL (a fresh database per test).</summary>
[NonParallelizable]
public sealed class PostgresStoreTests : StoreContractTests
{
    protected override SqlStore CreateStore() => new PostgresStore(PostgresServer.Shared.CreateDatabase());
}
