using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;

namespace WeightGuard.Evidence;

/// <summary>What the signature over a manifest says about its signer.</summary>
/// <param name="Subject">The signer certificate's subject, when the signature carried it.</param>
/// <param name="Sha256Fingerprint">SHA-256 of the signer certificate (uppercase hex, colon-separated), when carried.</param>
/// <param name="Anchored">True when the signer chains to the trusted certificate given.</param>
/// <param name="Problems">What is wrong with the signature or the chain; empty when it verified (anchored or not).</param>
/// <param name="SignatureVerified">True when the signature verifies over the manifest under the signer's key.</param>
/// <param name="ChainChecked">True when the signer's chain to the trusted certificate was checked (a trusted certificate
/// was given and the signature verified): only then does <paramref name="Anchored"/> false mean the chain fails.</param>
public sealed record SignatureCheck(string? Subject, string? Sha256Fingerprint, bool Anchored, IReadOnlyList<string> Problems,
    bool SignatureVerified = false, bool ChainChecked = false);

/// <summary>
/// The CMS (PKCS#7) detached signature over <c>manifest.json</c>: SHA-256, the signer identified by issuer and serial
/// number, its certificate and the given chain embedded, and a signing time equal to the export's <c>createdAt</c>.
/// </summary>
public static class ManifestSignature
{
    private static readonly Oid Sha256 = new("2.16.840.1.101.3.4.2.1");

    /// <summary>Signs <paramref name="manifest"/>; the result is DER.</summary>
    /// <exception cref="ArgumentException">The certificate has no private key.</exception>
    public static byte[] Sign(byte[] manifest, BundleSigningKey key, DateTimeOffset signingTime)
    {
        if (!key.Certificate.HasPrivateKey) throw new ArgumentException("the signing certificate has no private key", nameof(key));
        var cms = new SignedCms(new ContentInfo(manifest), detached: true);
        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, key.Certificate)
        {
            DigestAlgorithm = Sha256,
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        foreach (var c in key.Chain) signer.Certificates.Add(c);
        signer.SignedAttributes.Add(new Pkcs9SigningTime(signingTime.UtcDateTime));
        cms.ComputeSignature(signer, silent: true);
        return cms.Encode();
    }

    /// <summary>
    /// Checks <paramref name="signature"/> over <paramref name="manifest"/> and, when <paramref name="trust"/> is given, that
    /// the signer is that certificate or chains to it as of <paramref name="at"/> (the export time; revocation is not
    /// checked offline). Never throws on bad input.
    /// </summary>
    public static SignatureCheck Verify(byte[] manifest, byte[] signature, X509Certificate2? trust, DateTimeOffset at)
    {
        // Certificates inside the signature are decoded lazily, by SignerInfos, Certificate and the chain: a corrupted
        // one surfaces there, not in Decode.
        try { return VerifyDecoded(manifest, signature, trust, at); }
        catch (CryptographicException e) { return Failed($"the signature holds a malformed structure or certificate: {e.Message}"); }
    }

    private static SignatureCheck VerifyDecoded(byte[] manifest, byte[] signature, X509Certificate2? trust, DateTimeOffset at)
    {
        var cms = new SignedCms(new ContentInfo(manifest), detached: true);
        try { cms.Decode(signature); }
        catch (CryptographicException e) { return Failed($"not a CMS signature: {e.Message}"); }
        if (cms.SignerInfos.Count != 1) return Failed($"expected one signer, found {cms.SignerInfos.Count}");
        var info = cms.SignerInfos[0];
        var signer = info.Certificate;
        if (signer is null) return Failed("the signature does not carry the signer's certificate");
        var subject = signer.Subject;
        var fingerprint = Fingerprint(signer);
        try { info.CheckSignature(verifySignatureOnly: true); }
        catch (CryptographicException e)
        {
            return new SignatureCheck(subject, fingerprint, false, [$"the signature by {subject} does not verify over manifest.json: {e.Message}"]);
        }
        if (trust is null) return new SignatureCheck(subject, fingerprint, false, [], SignatureVerified: true);
        var problems = ChainProblems(signer, cms.Certificates, trust, at);
        return new SignatureCheck(subject, fingerprint, problems.Count == 0, problems, SignatureVerified: true, ChainChecked: true);
    }

    /// <summary>SHA-256 of a certificate's DER, as <c>AB:CD:…</c>.</summary>
    public static string Fingerprint(X509Certificate2 certificate) =>
        string.Join(':', SHA256.HashData(certificate.RawData).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));

    private static List<string> ChainProblems(X509Certificate2 signer, X509Certificate2Collection embedded, X509Certificate2 trust, DateTimeOffset at)
    {
        var problems = new List<string>();
        if (signer.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault()?.KeyUsages is { } usage && (usage & (X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation)) == 0)
            problems.Add($"signer {signer.Subject} may not sign (key usage {usage})");
        if (signer.RawDataMemory.Span.SequenceEqual(trust.RawDataMemory.Span))
        {
            if (at.UtcDateTime < signer.NotBefore.ToUniversalTime() || at.UtcDateTime > signer.NotAfter.ToUniversalTime())
                problems.Add($"signer {signer.Subject} was not valid at the export time {at.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}");
            return problems;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trust);
        chain.ChainPolicy.ExtraStore.AddRange(embedded);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (!chain.Build(signer))
        {
            var status = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
            problems.Add($"signer {signer.Subject} does not chain to the trusted certificate {trust.Subject}: {status}");
        }
        return problems;
    }

    private static SignatureCheck Failed(string problem) => new(null, null, false, [problem]);
}
