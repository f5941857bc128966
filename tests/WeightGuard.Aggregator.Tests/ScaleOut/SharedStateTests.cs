using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using WeightGuard.Aggregator.Hosting;
using WeightGuard.Aggregator.Pki;
using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Tests.ScaleOut;

/// <summary>
/// What instances on one database share, exercised with two store objects on it as two instances hold them: nonces
/// spent once whoever asks, rate-limit counters counted together, locks held by one at a time, one data-protection key
/// ring whose secrets the database holds only encrypted. SQLite runs the same (one instance, a command-line export
/// beside it, restarts).
/// </summary>
[TestFixture("sqlite")]
[TestFixture("postgres")]
[NonParallelizable]
public sealed class SharedStateTests(string database)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    private readonly TemporarySqliteStores _sqlite = new();
    private string _location = null!;
    private SqlStore _a = null!;
    private SqlStore _b = null!;

    [SetUp]
    public async Task OpenTwoInstances()
    {
        _location = database == "postgres"
            ? "postgres:" + PostgresServer.Shared.CreateDatabase()
            : "sqlite:" + Path.Combine(System.IO.Directory.CreateTempSubdirectory("weightguard-shared-").FullName, "store.db");
        _a = DatabaseLocation.Open(_location);
        _b = DatabaseLocation.Open(_location);
        // Instances starting together migrate in turn (PostgreSQL's advisory lock); SQLite has one instance.
        if (database == "postgres") await Task.WhenAll(_a.MigrateAsync(), _b.MigrateAsync());
        else await _a.MigrateAsync();
    }

    [TearDown]
    public async Task Close()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        if (_location.StartsWith("sqlite:", StringComparison.Ordinal)) System.IO.Directory.Delete(Path.GetDirectoryName(_location["sqlite:".Length..])!, true);
    }

    [Test]
    public async Task ANonceIssuedByOneInstanceIsSpentExactlyOnceWhicheverInstancesRaceForIt()
    {
        await _a.AddAgentAsync(new AgentRecord("agent-1", "gpu-01", null, null, false, T0));
        Assert.That(await _a.AddNonceAsync("n1", "agent-1", T0, T0.AddMinutes(5), 3), Is.Null);
        var attempts = Enumerable.Range(0, 16).Select(i => (i % 2 == 0 ? _a : _b).ConsumeNonceAsync("n1", "agent-1", T0.AddSeconds(1)));
        var outcomes = await Task.WhenAll(attempts);
        Assert.That(outcomes.Count(o => o == NonceCheck.Accepted), Is.EqualTo(1));
        Assert.That(outcomes.Where(o => o != NonceCheck.Accepted), Is.All.EqualTo(NonceCheck.AlreadyUsed));
    }

    [Test]
    public async Task ThrottleCountersAddUpAcrossInstancesAndResetWithTheWindow()
    {
        var window = TimeSpan.FromMinutes(1);
        var counts = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            (i % 2 == 0 ? _a : _b).CountThrottledEventAsync("sign-in", "192.0.2.7", 5, window, T0.AddSeconds(1))));
        Assert.That(counts.Count(c => c is null), Is.EqualTo(5), "five admitted between both instances");
        Assert.That(counts.Where(c => c is not null), Is.All.EqualTo(TimeSpan.FromMinutes(1)), "refused until the window that opened at T0+1s ends");
        Assert.That(await _b.ThrottleRetryAfterAsync("sign-in", "192.0.2.7", 5, T0.AddSeconds(31)), Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(await _a.ThrottleRetryAfterAsync("sign-in", "198.51.100.1", 5, T0.AddSeconds(31)), Is.Null, "another address is untouched");
        Assert.That(await _a.ThrottleRetryAfterAsync("enrolment", "192.0.2.7", 5, T0.AddSeconds(31)), Is.Null, "another scope is untouched");
        Assert.That(await _b.CountThrottledEventAsync("sign-in", "192.0.2.7", 5, window, T0.AddSeconds(61)), Is.Null, "a new window");
        Assert.That(await _a.ThrottleRetryAfterAsync("sign-in", "192.0.2.7", 5, T0.AddSeconds(61)), Is.Null);
    }

    [Test]
    public async Task ALockIsHeldByOneInstanceAtATimeAndPassesOnWhenReleased()
    {
        var held = await _a.LockAsync("evidence-export", wait: false);
        Assert.That(held, Is.Not.Null);
        Assert.That(await _b.LockAsync("evidence-export", wait: false), Is.Null, "the other instance is refused");
        Assert.That(await _a.LockAsync("evidence-export", wait: false), Is.Null, "and so is a second holder in the same instance");
        await using (var other = await _b.LockAsync("another-lock", wait: false)) Assert.That(other, Is.Not.Null, "locks are by name");
        var waiting = _b.LockAsync("evidence-export", wait: true);
        await held!.DisposeAsync();
        await using var next = await waiting;
        Assert.That(next, Is.Not.Null, "the waiting instance gets it once released");
    }

    [Test]
    public async Task SessionKeysMadeByOneInstanceProtectForTheOtherAndAreEncryptedAtRest()
    {
        using var ca = CertificateAuthority.Create("test CA", DateTimeOffset.UtcNow);
        await using var first = await DataProtectionAsync(_a, ca);
        await using var second = await DataProtectionAsync(_b, ca);
        var cookie = first.GetRequiredService<IDataProtectionProvider>().CreateProtector("session").Protect("ticket");
        Assert.That(second.GetRequiredService<IDataProtectionProvider>().CreateProtector("session").Unprotect(cookie), Is.EqualTo("ticket"));

        var stored = await _a.DataProtectionElementsAsync();
        Assert.That(stored, Has.Count.EqualTo(1), "both instances use the one key the first made");
        Assert.That(stored[0], Does.Contain("urn:weightguard:data-protection").And.Not.Contains("masterKey"), "the key's secret is stored encrypted");

        // The database without the CA key cannot open sessions: another CA's instance cannot decrypt the ring.
        using var otherCa = CertificateAuthority.Create("another CA", DateTimeOffset.UtcNow);
        await using var stranger = await DataProtectionAsync(_b, otherCa, ensureKey: false);
        Assert.That(() => stranger.GetRequiredService<IDataProtectionProvider>().CreateProtector("session").Unprotect(cookie), Throws.InstanceOf<CryptographicException>());
    }

    [Test]
    public async Task InstancesStartingTogetherMakeOneKey()
    {
        using var ca = CertificateAuthority.Create("test CA", DateTimeOffset.UtcNow);
        var started = await Task.WhenAll(DataProtectionAsync(_a, ca), DataProtectionAsync(_b, ca));
        foreach (var services in started) await services.DisposeAsync();
        Assert.That(await _a.DataProtectionElementsAsync(), Has.Count.EqualTo(1));
    }

    private static async Task<ServiceProvider> DataProtectionAsync(IAggregatorStore store, CertificateAuthority ca, bool ensureKey = true)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(store);
        SharedDataProtection.Add(services, store, ca);
        var provider = services.BuildServiceProvider();
        if (ensureKey) await SharedDataProtection.EnsureKeyAsync(provider, CancellationToken.None);
        return provider;
    }
}
