using WeightGuard.Core.Reports;

namespace WeightGuard.Evidence;

/// <summary><c>manifest.json</c>: every other file of the bundle with its SHA-256; the CMS signature covers these bytes.</summary>
/// <param name="Schema">Always <see cref="BundleLayout.SchemaId"/>.</param>
/// <param name="CreatedAt">When the export was made.</param>
/// <param name="Producer">Who made it.</param>
/// <param name="PreviousManifestSha256">SHA-256 (hex) of the previous export's manifest, when there was one.</param>
/// <param name="Files">Every file but the manifest and its signature, in ordinal path order.</param>
public sealed record ManifestDocument(string Schema, DateTimeOffset CreatedAt, string Producer,
    // Written even when null (the first export), because reading requires every constructor parameter.
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)] string? PreviousManifestSha256,
    IReadOnlyList<ManifestFile> Files);

/// <summary>One file the manifest lists.</summary>
/// <param name="Path">Its path in the zip.</param>
/// <param name="Sha256">SHA-256 of its bytes, lowercase hex.</param>
/// <param name="Size">Its length in bytes.</param>
public sealed record ManifestFile(string Path, string Sha256, long Size);

/// <summary><c>hosts/AGENT/host.json</c>: the host's enrolled identity and keys (binary fields base64).</summary>
/// <param name="AgentId">The agent id; equals the folder name.</param>
/// <param name="Hostname">The hostname it enrolled with.</param>
/// <param name="MachineId">Its machine id, when it has one.</param>
/// <param name="Attestation"><see cref="HostDocument.Tpm"/> or <see cref="HostDocument.None"/>.</param>
/// <param name="AkPublic">The attestation key (TPMT_PUBLIC).</param>
/// <param name="EkPublic">The endorsement key (TPMT_PUBLIC).</param>
/// <param name="EkCertificate">The EK certificate (DER).</param>
public sealed record HostDocument(string AgentId, string Hostname, string? MachineId, string Attestation,
    string? AkPublic = null, string? EkPublic = null, string? EkCertificate = null)
{
    /// <summary>The host enrolled with a TPM: every report carries a quote under <see cref="AkPublic"/>.</summary>
    public const string Tpm = "tpm";
    /// <summary>The host enrolled without a TPM: its reports carry no quote.</summary>
    public const string None = "none";
}

/// <summary><c>verdicts.json</c>: the aggregator's re-evaluation of one report.</summary>
/// <param name="Profile">The profile judged against.</param>
/// <param name="Results">One result per control, as the evaluator orders them.</param>
/// <param name="Summary">Counts and RAND level achieved.</param>
public sealed record VerdictsDocument(string Profile, IReadOnlyList<ControlResult> Results, Summary Summary);
