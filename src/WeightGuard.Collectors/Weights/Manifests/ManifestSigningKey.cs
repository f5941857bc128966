using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using WeightGuard.Core.Inputs;

namespace WeightGuard.Collectors.Weights.Manifests;

/// <summary>The certificate and private key that sign manifests, with any intermediate certificates to embed.</summary>
/// <param name="Certificate">The signer certificate with its private key.</param>
/// <param name="Chain">Further certificates from the certificate file (intermediates), embedded in each signature.</param>
public sealed record ManifestSigningKey(X509Certificate2 Certificate, IReadOnlyList<X509Certificate2> Chain) : IDisposable
{
    /// <summary>
    /// Loads an unencrypted PEM private key (PKCS#8, RSA or EC) from <paramref name="keyPath"/> and the signer certificate
    /// (PEM or DER, then any intermediates in PEM) from <paramref name="certPath"/>, or from the key file when null.
    /// </summary>
    /// <exception cref="InvalidDataException">A file cannot be read, holds no usable key or certificate, or the two do not belong together.</exception>
    public static ManifestSigningKey Load(string keyPath, string? certPath)
    {
        string keyPem, certPem;
        var extra = new List<X509Certificate2>();
        try
        {
            keyPem = Encoding.ASCII.GetString(BoundedFile.ReadBytes(keyPath, InputKind.Certificate));
            var certBytes = certPath is null ? Encoding.ASCII.GetBytes(keyPem) : BoundedFile.ReadBytes(certPath, InputKind.Certificate);
            var certText = Encoding.ASCII.GetString(certBytes);
            if (certText.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            {
                var all = new X509Certificate2Collection();
                all.ImportFromPem(certText);
                certPem = all[0].ExportCertificatePem();
                extra.AddRange(all.Skip(1));
            }
            else if (certPath is null) throw new InvalidDataException($"{keyPath} holds no certificate: give it with --cert");
            else certPem = X509CertificateLoader.LoadCertificate(certBytes).ExportCertificatePem();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new InvalidDataException($"{certPath ?? keyPath}: not a readable PEM or DER certificate: {e.Message}", e);
        }
        try { return new ManifestSigningKey(X509Certificate2.CreateFromPem(certPem, keyPem), extra); }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new InvalidDataException($"{keyPath}: no unencrypted PEM private key matching the certificate: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Certificate.Dispose();
        foreach (var c in Chain) c.Dispose();
    }
}
