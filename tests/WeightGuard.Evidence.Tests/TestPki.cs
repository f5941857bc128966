using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WeightGuard.Evidence.Tests;

/// <summary>A certificate authority and a bundle-signing certificate it issued, made with CertificateRequest.</summary>
internal sealed class TestPki
{
    private TestPki(X509Certificate2 ca, X509Certificate2 signer)
    {
        Ca = ca;
        Signer = signer;
    }

    /// <summary>The aggregator's CA (self-signed, no private key kept in use).</summary>
    public X509Certificate2 Ca { get; }

    /// <summary>The aggregator's signing certificate, with its private key.</summary>
    public X509Certificate2 Signer { get; }

    /// <summary>What the writer signs with: the signer and the CA to embed.</summary>
    public BundleSigningKey Key => new(Signer, [Ca]);

    public static TestPki Aggregator { get; } = Create("WeightGuard Test Aggregator");

    public static TestPki Impostor { get; } = Create("Impostor");

    /// <summary>A CA valid 2025–2035 and a signer valid 2026–2027 (RSA, so signatures are deterministic).</summary>
    public static TestPki Create(string name)
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest($"CN={name} CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var ca = caRequest.CreateSelfSigned(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2035, 1, 1, 0, 0, 0, TimeSpan.Zero));

        using var signerKey = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name} bundle signing", signerKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        using var issued = request.Create(ca, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), [1, 2, 3, 4]);
        var signer = issued.CopyWithPrivateKey(signerKey);
        return new TestPki(X509CertificateLoader.LoadCertificate(ca.RawData), signer);
    }
}
