using System.Text.Json;

namespace WeightGuard.Evidence;

/// <summary>
/// Writes a <c>weightguard.bundle/v1</c> zip (layout in docs/evidence-bundle.md): the catalogue, every host's keys, every
/// report as submitted with its quote, event log and the aggregator's verdicts, the findings as CSV and OCSF, the audit
/// log, the manifest of every file's SHA-256 and the CMS signature over the manifest. Hosts are written in agent id
/// order with the export's time, so the same content gives the same bytes. An export of a whole fleet streams hosts
/// through a <see cref="BundleStreamWriter"/> instead of holding them all.
/// </summary>
public static class EvidenceBundleWriter
{
    /// <summary>Writes the bundle to <paramref name="output"/> and returns the SHA-256 (hex) of its manifest, for the next export to chain to.</summary>
    /// <exception cref="ArgumentException">The content cannot be laid out: a bad agent id or catalogue path, a duplicate, or a report that is not <c>weightguard.report/v1</c>.</exception>
    public static string Write(BundleContent content, BundleSigningKey key, Stream output)
    {
        using var writer = new BundleStreamWriter(output, content.CreatedAt);
        writer.AddCatalog(content.Catalog);
        foreach (var host in content.Hosts.OrderBy(h => h.AgentId, StringComparer.Ordinal)) writer.AddHost(host);
        writer.AddAudit(content.Audit);
        return writer.Finish(content.Producer, content.PreviousManifestSha256, key);
    }

    /// <summary><c>verdicts.json</c> bytes; the verifier renders its re-derivation the same way and compares bytes.</summary>
    internal static byte[] VerdictsJson(VerdictsDocument verdicts) => JsonSerializer.SerializeToUtf8Bytes(verdicts, BundleJsonContext.Default.VerdictsDocument);
}
