using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace WeightGuard.Agent.Net;

/// <summary>The two ways the agent speaks TLS to the aggregator.</summary>
public static class AggregatorTls
{
    /// <summary>
    /// Accepts any server certificate. Only for fetching the CA certificate at enrolment, whose hash the caller then
    /// checks against the token's pin before anything secret is sent.
    /// </summary>
    public static SocketsHttpHandler TrustAnyServer() => new()
    {
        SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true },
    };

    /// <summary>
    /// Trusts only server certificates issued by <paramref name="ca"/> for the host name in the URL, and presents
    /// <paramref name="clientCertificate"/> when given (mTLS after enrolment).
    /// </summary>
    public static SocketsHttpHandler PinnedTo(X509Certificate2 ca, X509Certificate2? clientCertificate = null)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.Add(ca);
        var ssl = new SslClientAuthenticationOptions { CertificateChainPolicy = policy };
        if (clientCertificate is not null)
            ssl.ClientCertificateContext = SslStreamCertificateContext.Create(clientCertificate, additionalCertificates: null, offline: true);
        return new SocketsHttpHandler { SslOptions = ssl, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
    }
}
