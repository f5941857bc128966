using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using WeightGuard.Core.Reports;
using WeightGuard.Reporting;

namespace WeightGuard.Evidence;

/// <summary>
/// Writes a <c>weightguard.bundle/v1</c> zip (layout in docs/evidence-bundle.md): the catalogue, every host's keys, every
/// report as submitted with its quote, event log and the aggregator's verdicts, the findings as CSV and OCSF, the
/// manifest of every file's SHA-256 and the CMS signature over the manifest. Entries are in ordinal path order with the
/// export's time, so the same content gives the same bytes.
/// </summary>
public static class EvidenceBundleWriter
{
    /// <summary>Writes the bundle to <paramref name="output"/> and returns the SHA-256 (hex) of its manifest, for the next export to chain to.</summary>
    /// <exception cref="ArgumentException">The content cannot be laid out: a bad agent id or catalogue path, a duplicate, or a report that is not <c>weightguard.report/v1</c>.</exception>
    public static string Write(BundleContent content, BundleSigningKey key, Stream output)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var file in content.Catalog)
        {
            if (!BundleLayout.IsCatalogPath(file.Path))
                throw new ArgumentException($"catalogue file '{file.Path}' is not controls/ID.yaml, profiles/ID.yaml or waivers.yaml", nameof(content));
            Add(files, BundleLayout.CatalogFolder + file.Path, file.Content);
        }

        var findings = new List<Report>();
        foreach (var host in content.Hosts.OrderBy(h => h.AgentId, StringComparer.Ordinal))
        {
            if (!BundleLayout.IsAgentId(host.AgentId)) throw new ArgumentException($"agent id '{host.AgentId}' cannot name a bundle folder", nameof(content));
            Add(files, BundleLayout.HostFile(host.AgentId), Json(HostDocumentOf(host), BundleJsonContext.Default.HostDocument));
            var reports = host.Reports.Select(r => (Source: r, Parsed: Parse(r.ReportJson, host.AgentId)))
                .OrderBy(r => r.Parsed.ReportId.ToString(), StringComparer.Ordinal);
            foreach (var (source, report) in reports)
            {
                var folder = BundleLayout.ReportFolder(host.AgentId, report.ReportId.ToString());
                Add(files, folder + "report.json", source.ReportJson);
                if (source.Attestation is { } attestation)
                {
                    Add(files, folder + "attestation.json", Json(attestation with { EventLog = null }, BundleJsonContext.Default.QuoteAttestation));
                    if (attestation.EventLog is { } log) Add(files, folder + "eventlog.bin", EventLogBytes(log, host.AgentId));
                }
                var verdicts = source.Verdicts;
                Add(files, folder + "verdicts.json", VerdictsJson(verdicts.ProfileId, verdicts.Evaluation));
                findings.Add(report with { Results = verdicts.Evaluation.Results, Summary = verdicts.Evaluation.Summary });
            }
        }
        Add(files, BundleLayout.FindingsCsv, Render(new CsvReportWriter(), findings));
        Add(files, BundleLayout.FindingsOcsf, Render(new OcsfReportWriter(), findings));
        if (content.Audit.Count > 0) Add(files, BundleLayout.AuditLog, [.. content.Audit.SelectMany(AuditChain.Line)]);

        var manifest = Json(new ManifestDocument(BundleLayout.SchemaId, content.CreatedAt, content.Producer,
            files.Select(f => new ManifestFile(f.Key, Convert.ToHexStringLower(SHA256.HashData(f.Value)), f.Value.Length)).ToList(),
            content.PreviousManifestSha256), BundleJsonContext.Default.ManifestDocument);
        var signature = ManifestSignature.Sign(manifest, key, content.CreatedAt);

        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (path, bytes) in files.Append(new(BundleLayout.Manifest, manifest)).Append(new(BundleLayout.Signature, signature)))
            {
                var entry = zip.CreateEntry(path, CompressionLevel.Optimal);
                entry.LastWriteTime = content.CreatedAt;
                using var stream = entry.Open();
                stream.Write(bytes);
            }
        }
        return Convert.ToHexStringLower(SHA256.HashData(manifest));
    }

    /// <summary><c>verdicts.json</c> bytes for an evaluation; the verifier renders its re-evaluation the same way and compares bytes.</summary>
    internal static byte[] VerdictsJson(string profileId, Core.Evaluation.Evaluation evaluation) =>
        Json(new VerdictsDocument(profileId, evaluation.Results, evaluation.Summary), BundleJsonContext.Default.VerdictsDocument);

    /// <summary>The findings file of one format for the reports given (their results being the aggregator's verdicts).</summary>
    internal static byte[] Render(IFindingsWriter writer, IEnumerable<Report> reports)
    {
        using var buffer = new MemoryStream();
        writer.WriteAll(reports, buffer);
        return buffer.ToArray();
    }

    private static HostDocument HostDocumentOf(BundleHost host) => host.Tpm is { } tpm
        ? new HostDocument(host.AgentId, host.Hostname, HostDocument.Tpm, host.MachineId, Convert.ToBase64String(tpm.AkPublic),
            Convert.ToBase64String(tpm.EkPublic), tpm.EkCertificate is null ? null : Convert.ToBase64String(tpm.EkCertificate))
        : new HostDocument(host.AgentId, host.Hostname, HostDocument.None, host.MachineId);

    private static Report Parse(byte[] json, string agentId)
    {
        try { return JsonSerializer.Deserialize(json, WeightGuardJsonContext.Default.Report) ?? throw new JsonException("null"); }
        catch (JsonException e) { throw new ArgumentException($"a report of agent '{agentId}' is not a weightguard.report/v1 document: {e.Message}", e); }
    }

    private static byte[] EventLogBytes(string base64, string agentId)
    {
        try { return Convert.FromBase64String(base64); }
        catch (FormatException e) { throw new ArgumentException($"an event log of agent '{agentId}' is not base64", e); }
    }

    private static void Add(SortedDictionary<string, byte[]> files, string path, byte[] bytes)
    {
        if (!files.TryAdd(path, bytes)) throw new ArgumentException($"'{path}' would be written twice", nameof(files));
    }

    private static byte[] Json<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.SerializeToUtf8Bytes(value, type);
}
