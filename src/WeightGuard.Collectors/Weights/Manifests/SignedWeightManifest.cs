using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace WeightGuard.Collectors.Weights.Manifests;

/// <summary>A manifest whose signature was checked: the content, the signer, and why it is not trusted (null when it is).</summary>
/// <param name="Manifest">The signed content; null when the signature does not verify (unverified content is never used).</param>
/// <param name="Signer">The signer certificate's subject.</param>
/// <param name="SignerSha256">SHA-256 of the signer certificate, as <c>AB:CD:…</c>.</param>
/// <param name="Problem">Why the signature or signer is not trusted; null when the manifest may be relied on.</param>
public sealed record OpenedManifest(WeightManifest? Manifest, string? Signer, string? SignerSha256, string? Problem)
{
    /// <summary>True when the signature verifies and the signer is trusted.</summary>
    public bool Trusted => Problem is null && Manifest is not null;
}

/// <summary>
/// A weight manifest file: one DER-encoded CMS SignedData (RFC 5652) that <em>envelops</em> its JSON content (not
/// detached), so the digests and their signature travel as one file that cannot drift apart. SHA-256, one signer
/// identified by issuer and serial number, its certificate (and any chain given) embedded. <c>openssl cms -verify
/// -binary -inform DER -in FILE -CAfile CERT</c> checks it and prints the JSON.
/// </summary>
public static class SignedWeightManifest
{
    private static readonly Oid Sha256 = new("2.16.840.1.101.3.4.2.1");

    /// <summary>Signs <paramref name="manifest"/> with <paramref name="signer"/> (which must hold its private key); the result is DER.</summary>
    /// <exception cref="ArgumentException">The certificate has no private key.</exception>
    public static byte[] Sign(WeightManifest manifest, X509Certificate2 signer, IEnumerable<X509Certificate2> chain)
    {
        if (!signer.HasPrivateKey) throw new ArgumentException("the signing certificate has no private key", nameof(signer));
        var json = JsonSerializer.SerializeToUtf8Bytes(manifest, WeightManifestJsonContext.Default.WeightManifest);
        var cms = new SignedCms(new ContentInfo(json), detached: false);
        var cmsSigner = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, signer)
        {
            DigestAlgorithm = Sha256,
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        foreach (var c in chain) cmsSigner.Certificates.Add(c);
        cmsSigner.SignedAttributes.Add(new Pkcs9SigningTime(manifest.CreatedAt.UtcDateTime));
        cms.ComputeSignature(cmsSigner, silent: true);
        return cms.Encode();
    }

    /// <summary>
    /// Decodes <paramref name="der"/>, checks its signature, and whether its signer is one of <paramref name="trusted"/> or
    /// chains to one as of <paramref name="at"/> (revocation is not checked: manifests are verified offline).
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a CMS SignedData with one signer, or its content is not a valid manifest.</exception>
    public static OpenedManifest Open(byte[] der, IReadOnlyCollection<X509Certificate2> trusted, DateTimeOffset at)
    {
        // Certificates inside the signature are decoded lazily (by SignerInfos and Certificate): a corrupted one surfaces there.
        SignedCms cms;
        SignerInfo info;
        X509Certificate2? certificate;
        try
        {
            cms = new SignedCms();
            cms.Decode(der);
            if (cms.Detached || cms.ContentInfo.Content.Length == 0) throw new InvalidDataException("the signature envelops no manifest");
            if (cms.SignerInfos.Count != 1) throw new InvalidDataException($"expected one signer, found {cms.SignerInfos.Count}");
            info = cms.SignerInfos[0];
            certificate = info.Certificate;
        }
        catch (CryptographicException e) { throw new InvalidDataException($"not a CMS signed manifest: {e.Message}", e); }
        if (certificate is null) return new OpenedManifest(null, null, null, "the signature does not carry the signer's certificate");
        var subject = certificate.Subject;
        var fingerprint = Fingerprint(certificate);
        try { info.CheckSignature(verifySignatureOnly: true); }
        catch (CryptographicException e) { return new OpenedManifest(null, subject, fingerprint, $"the signature by {subject} does not verify: {e.Message}"); }
        var manifest = WeightManifestContent.Parse(cms.ContentInfo.Content);
        return new OpenedManifest(manifest, subject, fingerprint, SignerProblem(certificate, cms.Certificates, trusted, at));
    }

    /// <summary>SHA-256 of a certificate's DER, as <c>AB:CD:…</c>.</summary>
    public static string Fingerprint(X509Certificate2 certificate) => Convert.ToHexString(SHA256.HashData(certificate.RawData)).Chunk(2)
        .Select(pair => new string(pair)).Aggregate((a, b) => a + ":" + b);

    private static string? SignerProblem(X509Certificate2 signer, X509Certificate2Collection embedded, IReadOnlyCollection<X509Certificate2> trusted, DateTimeOffset at)
    {
        if (trusted.Count == 0) return $"no trusted manifest signer is configured, so the signer {signer.Subject} is not trusted";
        if (signer.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault()?.KeyUsages is { } usage
            && (usage & (X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation)) == 0)
            return $"signer {signer.Subject} may not sign (key usage {usage})";
        var when = at.UtcDateTime;
        if (trusted.Any(t => t.RawDataMemory.Span.SequenceEqual(signer.RawDataMemory.Span)))
            return when < signer.NotBefore.ToUniversalTime() || when > signer.NotAfter.ToUniversalTime()
                ? $"signer {signer.Subject} is not valid now (valid {signer.NotBefore.ToUniversalTime():yyyy-MM-dd} to {signer.NotAfter.ToUniversalTime():yyyy-MM-dd})"
                : null;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted.ToArray());
        chain.ChainPolicy.ExtraStore.AddRange(embedded);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = when;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (chain.Build(signer)) return null;
        var status = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        return $"signer {signer.Subject} is not a trusted manifest signer and does not chain to one: {status}";
    }
}
