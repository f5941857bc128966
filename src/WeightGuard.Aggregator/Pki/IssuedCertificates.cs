using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WeightGuard.Aggregator.Pki;

/// <summary>
/// Remembers which client certificates chained to our CA, so that each agent's certificate is chain-built once rather
/// than on every request (building a chain costs far more than the rest of a report). The validity period is still
/// checked on every call; revocation is the store's business and is checked by the caller.
/// </summary>
public sealed class IssuedCertificates(CertificateAuthority ca, TimeProvider time)
{
    /// <summary>Past this many remembered certificates the memory starts afresh.</summary>
    private const int MaxRemembered = 200_000;

    private readonly ConcurrentDictionary<string, byte> _verified = new(StringComparer.Ordinal);

    /// <summary>True when the certificate is within its validity period and chains to our CA.</summary>
    public bool Verify(X509Certificate2 certificate)
    {
        var now = time.GetUtcNow();
        if (now < certificate.NotBefore || now > certificate.NotAfter) return false;
        var key = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        if (_verified.ContainsKey(key)) return true;
        if (!ca.Issued(certificate)) return false;
        if (_verified.Count >= MaxRemembered) _verified.Clear();
        _verified.TryAdd(key, 0);
        return true;
    }
}
