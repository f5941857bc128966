namespace WeightGuard.Core.Evidence;

/// <summary>
/// The weight files compared with the signed weight manifests this host trusts (<c>weightguard manifest create</c>):
/// which manifests were read and whether their signature chains to a trusted signer, and every weight file whose
/// digest differs from its manifest, that a manifest lists but the host lacks, or that no manifest lists. Holds paths,
/// sizes and digests only, never weight bytes.
/// </summary>
public sealed record WeightIntegrityEvidence
{
    /// <summary>Each manifest configured, in the order given.</summary>
    public required IReadOnlyList<ManifestCheck> Manifests { get; init; }
    /// <summary>Weight files whose size and SHA-256 match a trusted manifest.</summary>
    public required int Matched { get; init; }
    /// <summary>Weight files whose size or SHA-256 differs from what the manifest lists.</summary>
    public required IReadOnlyList<ChangedWeightFile> Changed { get; init; }
    /// <summary>Host paths a trusted manifest lists that are not weight files on this host.</summary>
    public required IReadOnlyList<string> Missing { get; init; }
    /// <summary>Weight files that no trusted manifest lists.</summary>
    public required IReadOnlyList<string> Unlisted { get; init; }
    /// <summary>Weight files that could not be hashed, so could not be compared.</summary>
    public required IReadOnlyList<string> Unhashed { get; init; }
}

/// <summary>One configured manifest and what its signature says.</summary>
/// <param name="File">The manifest file as configured.</param>
/// <param name="Sha256">SHA-256 of the manifest file, when it could be read.</param>
/// <param name="Signer">The signer certificate's subject, when the signature carried it.</param>
/// <param name="SignerSha256">SHA-256 fingerprint of the signer certificate (<c>AB:CD:…</c>), when carried.</param>
/// <param name="CreatedAt">When the manifest says it was made, when it could be read.</param>
/// <param name="Files">Files the manifest lists, when it could be read.</param>
/// <param name="Problem">Why the manifest is not trusted (unreadable, malformed, signature or signer not verified); null when it is.</param>
public sealed record ManifestCheck(string File, string? Sha256, string? Signer, string? SignerSha256, DateTimeOffset? CreatedAt, int Files, string? Problem);

/// <summary>A weight file whose content is not what its manifest lists.</summary>
/// <param name="Path">The host path.</param>
/// <param name="ExpectedSha256">The manifest's digest.</param>
/// <param name="ActualSha256">The digest of the file on the host.</param>
/// <param name="ExpectedSize">The manifest's size.</param>
/// <param name="ActualSize">The size on the host.</param>
public sealed record ChangedWeightFile(string Path, string ExpectedSha256, string ActualSha256, long ExpectedSize, long ActualSize);
