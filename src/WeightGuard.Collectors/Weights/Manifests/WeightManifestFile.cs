using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using WeightGuard.Core.Inputs;

namespace WeightGuard.Collectors.Weights.Manifests;

/// <summary>A manifest file read from disk and opened: its own SHA-256 beside what <see cref="SignedWeightManifest.Open"/> found.</summary>
/// <param name="Sha256">SHA-256 of the file, lower-case hex.</param>
/// <param name="Opened">The content, signer and trust verdict.</param>
public sealed record ManifestFileReading(string Sha256, OpenedManifest Opened)
{
    /// <summary>Reads <paramref name="path"/> (at most <see cref="InputKind.WeightManifest"/> bytes) and opens it against <paramref name="trusted"/>.</summary>
    /// <exception cref="InvalidDataException">The file cannot be read, is too large, or is not a valid signed manifest; the message names the file.</exception>
    public static ManifestFileReading Read(string path, IReadOnlyCollection<X509Certificate2> trusted, DateTimeOffset at)
    {
        byte[] der;
        // the bounded reader's messages name the file already; an oversized file is an InvalidDataException from it
        try { der = BoundedFile.ReadBytes(path, InputKind.WeightManifest); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new InvalidDataException(e.Message, e); }
        try { return new ManifestFileReading(Convert.ToHexStringLower(SHA256.HashData(der)), SignedWeightManifest.Open(der, trusted, at)); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{path}: {e.Message}", e); }
    }
}
