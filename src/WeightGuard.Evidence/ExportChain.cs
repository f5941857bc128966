using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace WeightGuard.Evidence;

/// <summary>What checking a bundle's link to the export before it found.</summary>
/// <param name="PreviousBundle">The earlier bundle as named on the command line.</param>
/// <param name="PreviousManifestSha256">SHA-256 of the earlier bundle's <c>manifest.json</c>, when it could be read.</param>
/// <param name="PreviousCreatedAt">When the earlier export was made, when its manifest could be read.</param>
/// <param name="Holds">True when this bundle's <c>previousManifestSha256</c> is that hash, the earlier manifest's signature
/// verifies (and chains to the trusted certificate, when one is given) and the earlier export is older.</param>
/// <param name="Detail">What was found, in one line.</param>
public sealed record ExportChainCheck(string PreviousBundle, string? PreviousManifestSha256, DateTimeOffset? PreviousCreatedAt, bool Holds, string Detail);

/// <summary>
/// Checks offline that a bundle follows an earlier one: the earlier bundle's manifest (signed, and read within the archive
/// limits) hashes to the <c>previousManifestSha256</c> this bundle's signed manifest records. Only the manifest and its
/// signature of the earlier bundle are read; verify it on its own for the rest.
/// </summary>
public static class ExportChain
{
    /// <summary>Checks <paramref name="current"/>'s link to the bundle in <paramref name="previous"/> (seekable).</summary>
    public static ExportChainCheck Check(ManifestDocument? current, string previousName, Stream previous, X509Certificate2? trust, BundleLimits? limits = null)
    {
        using var archive = BundleArchive.Open(previous, limits ?? BundleLimits.Default);
        if (archive.Problems.FirstOrDefault(p => p.File == BundleProblem.Archive) is { } unreadable)
            return new ExportChainCheck(previousName, null, null, false, $"the previous bundle cannot be read: {unreadable.Defect}");
        if (archive.Read(BundleLayout.Manifest) is not { } bytes)
            return new ExportChainCheck(previousName, null, null, false, "the previous bundle has no readable manifest.json");
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        ManifestDocument? earlier;
        try { earlier = JsonSerializer.Deserialize(bytes, BundleJsonContext.Default.ManifestDocument); }
        catch (JsonException) { earlier = null; }
        if (earlier is null) return new ExportChainCheck(previousName, hash, null, false, "the previous bundle's manifest.json is not a bundle manifest");
        var fail = (string detail) => new ExportChainCheck(previousName, hash, earlier.CreatedAt, false, detail);
        if (archive.Read(BundleLayout.Signature) is not { } p7s) return fail("the previous bundle's manifest.json is not signed");
        var signature = ManifestSignature.Verify(bytes, p7s, trust, earlier.CreatedAt);
        if (signature.Problems.Count > 0) return fail($"the previous bundle's signature does not hold: {signature.Problems[0]}");
        if (current is null) return fail("this bundle has no readable manifest, so no link to check");
        if (current.PreviousManifestSha256 is null) return fail("this bundle records no previous export (it was the aggregator's first)");
        if (!string.Equals(current.PreviousManifestSha256, hash, StringComparison.Ordinal))
            return fail($"this bundle follows the export whose manifest.json has SHA-256 {HostVerifier.Short(current.PreviousManifestSha256)}, not this one ({hash}): " +
                        "an export was made in between, or this is not the previous bundle");
        if (earlier.CreatedAt >= current.CreatedAt) return fail($"the previous export was made at {earlier.CreatedAt:O}, not before this one ({current.CreatedAt:O})");
        return new ExportChainCheck(previousName, hash, earlier.CreatedAt, true,
            $"follows the export of {earlier.CreatedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}, whose signed manifest.json has SHA-256 {hash}");
    }
}
