using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Reports;

namespace WeightGuard.Evidence;

/// <summary><c>manifest.json</c>: every other file of the bundle with its SHA-256; the CMS signature covers these bytes.</summary>
/// <param name="Schema">Always <see cref="BundleLayout.SchemaId"/>.</param>
/// <param name="CreatedAt">When the export was made.</param>
/// <param name="Producer">Who made it.</param>
/// <param name="Files">Every file but the manifest and its signature, in ordinal path order.</param>
/// <param name="PreviousManifestSha256">SHA-256 (hex) of the previous export's manifest; absent for the first export.</param>
public sealed record ManifestDocument(string Schema, DateTimeOffset CreatedAt, string Producer, IReadOnlyList<ManifestFile> Files,
    string? PreviousManifestSha256 = null);

/// <summary>One file the manifest lists.</summary>
/// <param name="Path">Its path in the zip.</param>
/// <param name="Sha256">SHA-256 of its bytes, lowercase hex.</param>
/// <param name="Size">Its length in bytes.</param>
public sealed record ManifestFile(string Path, string Sha256, long Size);

/// <summary><c>hosts/AGENT/host.json</c>: the host's enrolled identity and keys (binary fields base64).</summary>
/// <param name="AgentId">The agent id; equals the folder name.</param>
/// <param name="Hostname">The hostname it enrolled with.</param>
/// <param name="Attestation"><see cref="HostDocument.Tpm"/> or <see cref="HostDocument.None"/>.</param>
/// <param name="MachineId">Its machine id, when it has one.</param>
/// <param name="AkPublic">The attestation key (TPMT_PUBLIC).</param>
/// <param name="EkPublic">The endorsement key (TPMT_PUBLIC).</param>
/// <param name="EkCertificate">The EK certificate (DER).</param>
public sealed record HostDocument(string AgentId, string Hostname, string Attestation, string? MachineId = null,
    string? AkPublic = null, string? EkPublic = null, string? EkCertificate = null)
{
    /// <summary>The host enrolled with a TPM: every report carries a quote under <see cref="AkPublic"/>.</summary>
    public const string Tpm = "tpm";
    /// <summary>The host enrolled without a TPM: its reports carry no quote.</summary>
    public const string None = "none";
}

/// <summary>
/// <c>verdicts.json</c>: the aggregator's judgement of one report as made when it arrived — against every profile the
/// policy then assigned the host, for its enrolled name and labels, with the waivers and manual attestations then in
/// force — which the offline verifier re-derives byte for byte from the report's evidence and the bundled catalogue.
/// </summary>
/// <param name="JudgedAt">The instant judged (when the aggregator received the report).</param>
/// <param name="Labels">The host's labels the judgement matched waivers and attestations on.</param>
/// <param name="Profiles">One per profile judged against.</param>
/// <param name="Rand">The host's RAND standing.</param>
/// <param name="Waivers">The waivers in force for the host then (ids as in <c>waivers.yaml</c>).</param>
/// <param name="Attestations">The manual attestations in force for the host then (ids as in <c>attestations.yaml</c>).</param>
public sealed record VerdictsDocument(DateTimeOffset JudgedAt, IReadOnlyList<string> Labels, IReadOnlyList<ProfileVerdicts> Profiles, RandStanding Rand,
    IReadOnlyList<string> Waivers, IReadOnlyList<string> Attestations)
{
    /// <summary>Judges <paramref name="evidence"/> of <paramref name="host"/> against <paramref name="profiles"/> at <paramref name="at"/>: the one way both the exporter and the verifier make this document.</summary>
    /// <exception cref="KeyNotFoundException">A profile is not in the catalogue.</exception>
    public static VerdictsDocument Judge(Catalog catalog, Core.Evidence.Evidence evidence, HostSubject host, IReadOnlyList<string> profiles, DateTimeOffset at)
    {
        var judged = Evaluator.Judge(catalog, profiles, evidence, host, at);
        return new VerdictsDocument(at, host.Labels, profiles.Distinct(StringComparer.Ordinal).Select(p =>
            {
                var resolved = catalog.Resolve(p);
                return new ProfileVerdicts(new ProfileInfo(p, resolved.Definition.Title, resolved.Digest), judged.Profiles[p].Results, judged.Profiles[p].Summary);
            }).ToList(), judged.Rand, judged.Waivers.Select(w => w.Identity).ToList(), judged.Attestations.Select(a => a.Id).ToList());
    }

    /// <summary><paramref name="report"/> once per profile judged, its results being the aggregator's: what the findings files list.</summary>
    public IEnumerable<Report> Findings(Report report) =>
        Profiles.Select(p => report with { Profile = p.Profile, Results = p.Results, Summary = p.Summary });
}

/// <summary>The aggregator's verdicts on one report against one profile.</summary>
/// <param name="Profile">The profile judged against.</param>
/// <param name="Results">One result per control, as the evaluator orders them.</param>
/// <param name="Summary">Counts and the host's RAND standing.</param>
public sealed record ProfileVerdicts(ProfileInfo Profile, IReadOnlyList<ControlResult> Results, Summary Summary);
