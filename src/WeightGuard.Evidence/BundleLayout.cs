using System.Text.RegularExpressions;

namespace WeightGuard.Evidence;

/// <summary>What a path of a <c>weightguard.bundle/v1</c> zip holds.</summary>
public enum BundleFileKind
{
    /// <summary>Not part of the layout.</summary>
    Unknown,
    /// <summary><c>manifest.json</c>.</summary>
    Manifest,
    /// <summary><c>manifest.json.p7s</c>.</summary>
    Signature,
    /// <summary><c>findings.csv</c>.</summary>
    FindingsCsv,
    /// <summary><c>findings.ocsf.jsonl</c>.</summary>
    FindingsOcsf,
    /// <summary><c>audit.jsonl</c>.</summary>
    AuditLog,
    /// <summary><c>catalog/controls/ID.yaml</c>.</summary>
    CatalogControl,
    /// <summary><c>catalog/profiles/ID.yaml</c>.</summary>
    CatalogProfile,
    /// <summary><c>catalog/waivers.yaml</c>.</summary>
    CatalogWaivers,
    /// <summary><c>catalog/attestations.yaml</c>: the manual attestations judged with.</summary>
    CatalogAttestations,
    /// <summary><c>hosts/AGENT/host.json</c>.</summary>
    Host,
    /// <summary><c>hosts/AGENT/reports/REPORT/report.json</c>.</summary>
    Report,
    /// <summary><c>hosts/AGENT/reports/REPORT/attestation.json</c>.</summary>
    Attestation,
    /// <summary><c>hosts/AGENT/reports/REPORT/eventlog.bin</c>.</summary>
    EventLog,
    /// <summary><c>hosts/AGENT/reports/REPORT/verdicts.json</c>.</summary>
    Verdicts,
}

/// <summary>A bundle path, classified.</summary>
/// <param name="Kind">What it holds.</param>
/// <param name="AgentId">The host folder, for host and report files.</param>
/// <param name="ReportId">The report folder, for report files.</param>
public sealed record BundlePath(BundleFileKind Kind, string? AgentId = null, string? ReportId = null);

/// <summary>The file names of the <c>weightguard.bundle/v1</c> layout (see docs/evidence-bundle.md).</summary>
public static partial class BundleLayout
{
    /// <summary>The manifest's schema identifier.</summary>
    public const string SchemaId = "weightguard.bundle/v1";
    /// <summary>The manifest.</summary>
    public const string Manifest = "manifest.json";
    /// <summary>The CMS detached signature over the manifest (DER).</summary>
    public const string Signature = "manifest.json.p7s";
    /// <summary>Every verdict as CSV.</summary>
    public const string FindingsCsv = "findings.csv";
    /// <summary>Every verdict as OCSF Compliance Finding events, one per line.</summary>
    public const string FindingsOcsf = "findings.ocsf.jsonl";
    /// <summary>The aggregator's audit log, hash-chained, one row per line.</summary>
    public const string AuditLog = "audit.jsonl";
    /// <summary>Where the catalogue files live.</summary>
    public const string CatalogFolder = "catalog/";

    /// <summary>A host's <c>host.json</c>.</summary>
    public static string HostFile(string agentId) => $"hosts/{agentId}/host.json";

    /// <summary>The folder of one report (with a trailing slash).</summary>
    public static string ReportFolder(string agentId, string reportId) => $"hosts/{agentId}/reports/{reportId}/";

    /// <summary>True when <paramref name="agentId"/> can name a folder: letters, digits, <c>.</c>, <c>_</c>, <c>-</c>, not starting with a dot, at most 128.</summary>
    public static bool IsAgentId(string agentId) => AgentIdPattern().IsMatch(agentId);

    /// <summary>True when <paramref name="path"/> (relative to the catalogue root) is a place the layout has for a catalogue file.</summary>
    public static bool IsCatalogPath(string path) => Classify(CatalogFolder + path).Kind is
        BundleFileKind.CatalogControl or BundleFileKind.CatalogProfile or BundleFileKind.CatalogWaivers or BundleFileKind.CatalogAttestations;

    /// <summary>What <paramref name="path"/> holds in the layout.</summary>
    public static BundlePath Classify(string path)
    {
        switch (path)
        {
            case Manifest: return new(BundleFileKind.Manifest);
            case Signature: return new(BundleFileKind.Signature);
            case FindingsCsv: return new(BundleFileKind.FindingsCsv);
            case FindingsOcsf: return new(BundleFileKind.FindingsOcsf);
            case AuditLog: return new(BundleFileKind.AuditLog);
            case "catalog/waivers.yaml": return new(BundleFileKind.CatalogWaivers);
            case "catalog/attestations.yaml": return new(BundleFileKind.CatalogAttestations);
        }
        var parts = path.Split('/');
        if (parts is ["catalog", "controls", var c] && CatalogFileName().IsMatch(c)) return new(BundleFileKind.CatalogControl);
        if (parts is ["catalog", "profiles", var p] && CatalogFileName().IsMatch(p)) return new(BundleFileKind.CatalogProfile);
        if (parts is ["hosts", var agent, "host.json"] && IsAgentId(agent)) return new(BundleFileKind.Host, agent);
        if (parts is ["hosts", var a, "reports", var report, var file] && IsAgentId(a) && ReportIdPattern().IsMatch(report))
        {
            var kind = file switch
            {
                "report.json" => BundleFileKind.Report,
                "attestation.json" => BundleFileKind.Attestation,
                "eventlog.bin" => BundleFileKind.EventLog,
                "verdicts.json" => BundleFileKind.Verdicts,
                _ => BundleFileKind.Unknown,
            };
            if (kind != BundleFileKind.Unknown) return new(kind, a, report);
        }
        return new(BundleFileKind.Unknown);
    }

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex AgentIdPattern();

    /// <summary>A report id as <see cref="Guid.ToString()"/> prints it.</summary>
    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex ReportIdPattern();

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}\\.yaml$")]
    private static partial Regex CatalogFileName();
}
