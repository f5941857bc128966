using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using WeightGuard.Core.Inputs;

namespace WeightGuard.Collectors.Weights.Manifests;

/// <summary>A certificate file given by a person: PEM (the first certificate in it) or DER, read through the bounded reader.</summary>
public static class CertificateFile
{
    /// <summary>The certificate in <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file cannot be read or holds no certificate; the message names the file and why.</exception>
    public static X509Certificate2 Load(string path)
    {
        try
        {
            var bytes = BoundedFile.ReadBytes(path, InputKind.Certificate);
            var text = Encoding.ASCII.GetString(bytes);
            return text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)
                ? X509Certificate2.CreateFromPem(text)
                : X509CertificateLoader.LoadCertificate(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: not a readable PEM or DER certificate: {e.Message}", e);
        }
    }
}
