using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WeightGuard.Tpm.Verification;

/// <summary>The outcome of checking an EK certificate.</summary>
/// <param name="Subject">The certificate's subject (EK certificates often have an empty or generic one).</param>
/// <param name="Issuer">Its issuer.</param>
/// <param name="Problems">Why it is not trusted, one line each; empty when the chain reached a configured root.</param>
public sealed record EkCertificateValidation(string Subject, string Issuer, IReadOnlyList<string> Problems)
{
    /// <summary>True when the chain validated.</summary>
    public bool Trusted => Problems.Count == 0;
}

/// <summary>
/// Validates EK certificates against a directory of TPM manufacturer CA certificates: self-signed ones are the roots
/// (custom root trust, nothing from the system store), the others serve as intermediates.
/// </summary>
public sealed class EkCertificateValidator
{
    private readonly X509Certificate2Collection _roots = [];
    private readonly X509Certificate2Collection _intermediates = [];

    /// <summary>Loads every certificate (PEM or DER; <c>.pem .crt .cer .der</c>) in <paramref name="caDirectory"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="CryptographicException">A file there is not a certificate.</exception>
    public EkCertificateValidator(string caDirectory)
    {
        foreach (var file in Directory.EnumerateFiles(caDirectory).Order(StringComparer.Ordinal))
        {
            if (Path.GetExtension(file).ToLowerInvariant() is not (".pem" or ".crt" or ".cer" or ".der")) continue;
            var certs = new X509Certificate2Collection();
            if (File.ReadAllText(file).Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)) certs.ImportFromPemFile(file);
            else certs.Add(X509CertificateLoader.LoadCertificateFromFile(file));
            foreach (var cert in certs)
                (cert.SubjectName.RawData.AsSpan().SequenceEqual(cert.IssuerName.RawData) ? _roots : _intermediates).Add(cert);
        }
    }

    /// <summary>Number of root certificates loaded.</summary>
    public int RootCount => _roots.Count;

    /// <summary>Builds the chain of <paramref name="der"/> to a configured root. Never throws on a bad certificate.</summary>
    public EkCertificateValidation Validate(byte[] der)
    {
        X509Certificate2 cert;
        try { cert = X509CertificateLoader.LoadCertificate(der); }
        catch (CryptographicException e) { return new EkCertificateValidation("", "", ["not an X.509 certificate: " + e.Message]); }
        using (cert)
        {
            if (_roots.Count == 0) return new EkCertificateValidation(cert.Subject, cert.Issuer, ["no manufacturer root CA configured"]);
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
            chain.ChainPolicy.ExtraStore.AddRange(_intermediates);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            var problems = new List<string>();
            if (!chain.Build(cert))
            {
                foreach (var element in chain.ChainElements)
                    foreach (var status in element.ChainElementStatus)
                        problems.Add($"{element.Certificate.Subject}: {status.Status}: {status.StatusInformation.Trim()}");
                if (problems.Count == 0) problems.Add("chain did not build");
            }
            return new EkCertificateValidation(cert.Subject, cert.Issuer, problems);
        }
    }

    /// <summary>True when the certificate's public key is the EK's (RSA modulus or ECC point).</summary>
    public static bool CertifiesKey(byte[] der, TpmtPublic ek)
    {
        using var cert = X509CertificateLoader.LoadCertificate(der);
        switch (ek.Type)
        {
            case TpmAlgId.Rsa:
                using (var rsa = cert.GetRSAPublicKey())
                    return rsa is not null && rsa.ExportParameters(false).Modulus.AsSpan().SequenceEqual(ek.Unique);
            case TpmAlgId.Ecc:
                if (EcPublicParameters(cert) is not { } q) return false;
                var mine = ek.EcParameters().Q;
                return q.Q.X.AsSpan().SequenceEqual(mine.X) && q.Q.Y.AsSpan().SequenceEqual(mine.Y);
            default:
                return false;
        }
    }

    /// <summary>The certificate's key as <c>rsa2048</c>, <c>ecc-p384</c>…, or its algorithm OID when neither.</summary>
    public static string DescribeKey(X509Certificate2 cert)
    {
        using (var rsa = cert.GetRSAPublicKey())
            if (rsa is not null) return $"rsa{rsa.KeySize}";
        return EcPublicParameters(cert) is { } ec
            ? "ecc-p" + (ec.Q.X!.Length == 66 ? 521 : ec.Q.X.Length * 8)
            : cert.PublicKey.Oid.Value ?? "unknown";
    }

    /// <summary>
    /// The EC public key of a certificate. EK certificates mark ECC keys for key agreement only, for which .NET gives
    /// no ECDsa view, so the ECDH view is tried as well.
    /// </summary>
    private static ECParameters? EcPublicParameters(X509Certificate2 cert)
    {
        using (var ecdsa = cert.GetECDsaPublicKey())
            if (ecdsa is not null) return ecdsa.ExportParameters(false);
        using var ecdh = cert.GetECDiffieHellmanPublicKey();
        return ecdh?.ExportParameters(false);
    }
}
