using System.Security.Cryptography.X509Certificates;
using WeightGuard.Core.Protocol;

namespace WeightGuard.Evidence;

/// <summary>
/// Everything an export puts into an evidence bundle. The writer adds nothing of its own (no clock, no randomness), so
/// the same content gives the same bundle bytes; only an ECDSA signing key makes the signature differ between runs.
/// </summary>
public sealed record BundleContent
{
    /// <summary>When the export was made; the manifest's <c>createdAt</c>, every zip entry's time and the CMS signing time.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>Who made the bundle, e.g. <c>weightguard-aggregator 0.1.0</c>.</summary>
    public required string Producer { get; init; }
    /// <summary>SHA-256 (lowercase hex) of the previous export's <c>manifest.json</c>, chaining the exports; null for the first.</summary>
    public string? PreviousManifestSha256 { get; init; }
    /// <summary>
    /// The catalogue that produced the verdicts, as files relative to the catalogue root: <c>controls/ID.yaml</c>,
    /// <c>profiles/ID.yaml</c> and optionally <c>waivers.yaml</c> and <c>attestations.yaml</c>.
    /// </summary>
    public required IReadOnlyList<CatalogFile> Catalog { get; init; }
    /// <summary>The hosts and their reports.</summary>
    public required IReadOnlyList<BundleHost> Hosts { get; init; }
    /// <summary>The aggregator's audit log from its first row, oldest first (<c>audit.jsonl</c>); empty writes no such file.</summary>
    public IReadOnlyList<AuditEntry> Audit { get; init; } = [];
}

/// <summary>One catalogue file.</summary>
/// <param name="Path">Relative to the catalogue root, with forward slashes, e.g. <c>controls/WG-DISK-001.yaml</c>.</param>
/// <param name="Content">The file's bytes (UTF-8 YAML).</param>
public sealed record CatalogFile(string Path, byte[] Content);

/// <summary>An enrolled host as the aggregator knows it.</summary>
public sealed record BundleHost
{
    /// <summary>The agent id (the client certificate's CN): letters, digits, <c>.</c>, <c>_</c>, <c>-</c>; at most 128.</summary>
    public required string AgentId { get; init; }
    /// <summary>The hostname it enrolled with.</summary>
    public required string Hostname { get; init; }
    /// <summary>The machine id it enrolled with, when it has one.</summary>
    public string? MachineId { get; init; }
    /// <summary>The TPM keys it enrolled with; null for a host enrolled without a TPM (its reports carry no quote).</summary>
    public HostTpmKeys? Tpm { get; init; }
    /// <summary>Its reports in the export.</summary>
    public required IReadOnlyList<BundleReport> Reports { get; init; }
}

/// <summary>The TPM keys of an enrolled host.</summary>
/// <param name="AkPublic">The attestation key, TPMT_PUBLIC bytes.</param>
/// <param name="EkPublic">The endorsement key, TPMT_PUBLIC bytes.</param>
/// <param name="EkCertificate">The EK certificate (DER), when the TPM has one.</param>
public sealed record HostTpmKeys(byte[] AkPublic, byte[] EkPublic, byte[]? EkCertificate = null);

/// <summary>One stored report.</summary>
/// <param name="ReportJson">The <c>weightguard.report/v1</c> JSON exactly as the agent submitted it (the quote covers these bytes' evidence).</param>
/// <param name="Attestation">The quote submitted with it, event log included; null for a host without a TPM.</param>
/// <param name="Verdicts">The aggregator's own judgement of the report's evidence when it arrived (<see cref="VerdictsDocument.Judge"/>).</param>
public sealed record BundleReport(byte[] ReportJson, QuoteAttestation? Attestation, VerdictsDocument Verdicts);

/// <summary>The aggregator's signing certificate (with its private key) and the certificates above it to embed.</summary>
/// <param name="Certificate">The signer; must hold its private key.</param>
/// <param name="Chain">Intermediate and CA certificates to embed so a verifier can build the chain; may be empty.</param>
public sealed record BundleSigningKey(X509Certificate2 Certificate, IReadOnlyList<X509Certificate2> Chain);
