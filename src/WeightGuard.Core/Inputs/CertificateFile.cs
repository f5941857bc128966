using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
namespace WeightGuard.Core.Inputs;

/// <summary>A certificate file given by a person: PEM or DER, read through the bounded reader.</summary>
public static class CertificateFile
{
    /// <summary>The certificate in <paramref name="path"/> (the first, when PEM holds several).</summary>
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

    /// <summary>Every certificate in <paramref name="path"/>, in file order: a PEM chain, or one DER certificate.</summary>
    /// <exception cref="InvalidDataException">The file cannot be read or holds no certificate; the message names the file and why.</exception>
    public static IReadOnlyList<X509Certificate2> LoadAll(string path)
    {
        try
        {
            var bytes = BoundedFile.ReadBytes(path, InputKind.Certificate);
            var text = Encoding.ASCII.GetString(bytes);
            if (!text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)) return [X509CertificateLoader.LoadCertificate(bytes)];
            var collection = new X509Certificate2Collection();
            collection.ImportFromPem(text);
            return [.. collection];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: not a readable PEM or DER certificate: {e.Message}", e);
        }
    }
}
