namespace WeightGuard.Collectors.Weights.Manifests;

/// <summary>
/// The signed weight manifests a host's weights are compared with, and the certificates allowed to sign them: the CLI's
/// <c>scan --manifest FILE --manifest-trust CERT</c> and the agent's <c>hashing: {manifests, manifestSigners}</c>.
/// Files of the scanning machine, not of a scanned <c>--root</c> tree. Comparing needs the digests, so weights are
/// hashed whenever manifests are given.
/// </summary>
/// <param name="ManifestFiles">Manifest files (<c>weightguard manifest create</c>).</param>
/// <param name="SignerCertificates">Certificate files (PEM or DER): each a trusted signer, or a CA its signers chain to.</param>
public sealed record WeightIntegrityOptions(IReadOnlyList<string> ManifestFiles, IReadOnlyList<string> SignerCertificates);
