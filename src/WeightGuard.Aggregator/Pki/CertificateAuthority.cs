using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WeightGuard.Aggregator.Pki;

/// <summary>
/// The aggregator's own CA (ECDSA P-384): it issues the server's TLS certificate, the evidence signing certificate and
/// every agent's client certificate, and it is the only root an agent certificate may chain to.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");

    private CertificateAuthority(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>A new CA valid for ten years.</summary>
    public static CertificateAuthority Create(string commonName, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={commonName}"), key, HashAlgorithmName.SHA384);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var self = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
        return new CertificateAuthority(X509CertificateLoader.LoadPkcs12(self.Export(X509ContentType.Pkcs12), null));
    }

    /// <summary>Loads a CA from its certificate and private key (PEM).</summary>
    public static CertificateAuthority Load(string certificatePem, string keyPem) =>
        new(X509Certificate2.CreateFromPem(certificatePem, keyPem));

    /// <summary>The CA certificate as PEM.</summary>
    public string CertificatePem => Certificate.ExportCertificatePem();

    /// <summary>An agent's client certificate: subject <c>CN=agentId</c>, clientAuth, valid one year, for the key in the request.</summary>
    public X509Certificate2 IssueClient(string agentId, PublicKey key, DateTimeOffset now) =>
        Issue(new X500DistinguishedName($"CN={agentId}"), key, now, TimeSpan.FromDays(365), X509KeyUsageFlags.DigitalSignature, ClientAuth, null);

    /// <summary>A TLS server certificate with a new key for these DNS names and IP addresses, valid two years.</summary>
    public X509Certificate2 IssueServer(IEnumerable<string> names, DateTimeOffset now)
    {
        var sans = new SubjectAlternativeNameBuilder();
        foreach (var name in names.Distinct(StringComparer.OrdinalIgnoreCase))
            if (System.Net.IPAddress.TryParse(name, out var ip)) sans.AddIpAddress(ip);
            else sans.AddDnsName(name);
        return IssueWithNewKey("CN=weightguard-aggregator", now, TimeSpan.FromDays(730), X509KeyUsageFlags.DigitalSignature, ServerAuth, sans.Build());
    }

    /// <summary>The certificate that signs evidence bundles, with a new key, valid two years.</summary>
    public X509Certificate2 IssueSigning(DateTimeOffset now) =>
        IssueWithNewKey("CN=weightguard-aggregator evidence signing", now, TimeSpan.FromDays(730),
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, null, null);

    /// <summary>True when <paramref name="certificate"/> chains to this CA alone and is valid now.</summary>
    public bool Issued(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        return chain.Build(certificate) && chain.ChainElements.Count == 2;
    }

    private X509Certificate2 IssueWithNewKey(string subject, DateTimeOffset now, TimeSpan lifetime, X509KeyUsageFlags usage, Oid? eku,
        X509Extension? sans)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = Issue(new X500DistinguishedName(subject), new PublicKey(key), now, lifetime, usage, eku, sans);
        return certificate.CopyWithPrivateKey(key);
    }

    private X509Certificate2 Issue(X500DistinguishedName subject, PublicKey key, DateTimeOffset now, TimeSpan lifetime,
        X509KeyUsageFlags usage, Oid? eku, X509Extension? sans)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA384);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        if (eku is not null) request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([eku], false));
        if (sans is not null) request.CertificateExtensions.Add(sans);
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(key, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        using var caKey = Certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("the CA certificate has no ECDSA private key");
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f; // a positive INTEGER
        var notAfter = now + lifetime;
        if (notAfter > Certificate.NotAfter) notAfter = Certificate.NotAfter;
        return request.Create(Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), now.AddMinutes(-5), notAfter, serial);
    }

    /// <inheritdoc/>
    public void Dispose() => Certificate.Dispose();
}
