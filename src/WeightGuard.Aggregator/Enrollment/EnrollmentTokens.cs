using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Protocol;

namespace WeightGuard.Aggregator.Enrollment;

/// <summary>Issues enrolment tokens: the store keeps the hash of the secret, its expiry and how many enrolments it admits.</summary>
public static class EnrollmentTokens
{
    /// <summary>The longest lifetime a token may have.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(30);

    /// <summary>Issues a token pinning the CA with this DER encoding; it is returned once and not kept.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The lifetime or number of uses is out of range.</exception>
    public static async Task<EnrollmentToken> CreateAsync(IAggregatorStore store, byte[] caCertificateDer, TimeSpan lifetime, int uses,
        DateTimeOffset now, CancellationToken cancel = default)
    {
        if (lifetime <= TimeSpan.Zero || lifetime > MaxLifetime)
            throw new ArgumentOutOfRangeException(nameof(lifetime), $"a token lives more than 0 and at most {MaxLifetime.TotalDays:0} days");
        if (uses is < 1 or > 100_000) throw new ArgumentOutOfRangeException(nameof(uses), "a token admits 1 to 100000 enrolments");
        var token = EnrollmentToken.Create(caCertificateDer);
        await store.AddEnrollmentTokenAsync(token.SecretHash, now + lifetime, uses, cancel);
        return token;
    }
}
