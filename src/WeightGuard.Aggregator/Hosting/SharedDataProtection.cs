using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using WeightGuard.Aggregator.Pki;
using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Hosting;

/// <summary>
/// The keys that protect dashboard session cookies and antiforgery tokens, shared by every instance on one database and
/// kept across restarts: the key ring lives in the database (<see cref="DatabaseXmlRepository"/>), its secrets encrypted
/// with <see cref="KeyRingEncryption"/>, under one application name whatever directory an instance runs from.
/// </summary>
public static class SharedDataProtection
{
    /// <summary>The application name that isolates these keys' payloads from other applications' (never a path).</summary>
    public const string ApplicationName = "weightguard-aggregator";

    /// <summary>How long a key protects new payloads; the key manager makes the next one two days before, and every instance reads it within a day.</summary>
    public static readonly TimeSpan KeyLifetime = TimeSpan.FromDays(90);

    private const string KeyRingLock = "data-protection-key-ring";

    /// <summary>Registers data protection over <paramref name="store"/>'s key ring, encrypted under a key derived from <paramref name="ca"/>.</summary>
    public static void Add(IServiceCollection services, IAggregatorStore store, CertificateAuthority ca)
    {
        var encryption = new KeyRingEncryption(ca);
        services.AddSingleton(encryption);
        services.AddDataProtection().SetApplicationName(ApplicationName).SetDefaultKeyLifetime(KeyLifetime);
        services.Configure<KeyManagementOptions>(options =>
        {
            options.XmlRepository = new DatabaseXmlRepository(store, TimeProvider.System);
            options.XmlEncryptor = encryption;
        });
    }

    /// <summary>
    /// Makes the ring's first key, under the database-wide lock, when it holds none in force: instances starting together
    /// then agree on one key instead of each making its own and refusing the others' cookies until their rings refresh.
    /// </summary>
    public static async Task EnsureKeyAsync(IServiceProvider services, CancellationToken cancel)
    {
        var store = services.GetRequiredService<IAggregatorStore>();
        var keys = services.GetRequiredService<IKeyManager>();
        await using var held = await store.LockAsync(KeyRingLock, wait: true, cancel);
        // The key manager keeps time by the system clock, whatever clock the rest of the aggregator is given.
        var now = DateTimeOffset.UtcNow;
        if (!keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now))
            keys.CreateNewKey(now, now + KeyLifetime);
    }
}
