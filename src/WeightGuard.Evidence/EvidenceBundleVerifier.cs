using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using WeightGuard.Core.Reports;
using WeightGuard.Reporting;

namespace WeightGuard.Evidence;

/// <summary>
/// Verifies a <c>weightguard.bundle/v1</c> zip offline, in memory: the CMS signature over the manifest and the signer's
/// chain to a trusted certificate, every file's SHA-256 against the manifest (none missing, none extra), the layout, every
/// quote's signature and evidence binding under its host's attestation key, every event log's replay, every verdict's
/// re-derivation with the bundled catalogue, and the findings files against the verdicts. It never stops at the first
/// defect: every problem is collected.
/// </summary>
public static class EvidenceBundleVerifier
{
    /// <summary>Verifies the bundle read from <paramref name="bundle"/> (seekable).</summary>
    /// <param name="bundle">The zip.</param>
    /// <param name="trust">The aggregator CA or its signing certificate; null checks everything but the anchor.</param>
    /// <param name="limits">Archive bounds; <see cref="BundleLimits.Default"/> when null.</param>
    public static BundleVerification Verify(Stream bundle, X509Certificate2? trust, BundleLimits? limits = null)
    {
        var (entries, archiveProblems) = BundleArchive.Read(bundle, limits ?? BundleLimits.Default);
        var problems = archiveProblems.ToList();
        var counts = new VerificationCounts();

        // A changed manifest is reported as a broken signature first: that is what an auditor needs to hear.
        var manifestProblems = new List<BundleProblem>();
        var manifest = ReadManifest(entries, manifestProblems);
        var signature = CheckSignature(entries, manifest, trust, problems);
        problems.AddRange(manifestProblems);
        if (manifest is not null) CheckFiles(manifest, entries, problems, counts);
        foreach (var path in entries.Keys.Order(StringComparer.Ordinal).Where(p => BundleLayout.Classify(p).Kind == BundleFileKind.Unknown))
            problems.Add(new BundleProblem(path, $"not part of the {BundleLayout.SchemaId} layout"));

        var catalog = BundledCatalog.Load(entries, problems);
        var hosts = entries.Keys.Select(BundleLayout.Classify).Where(p => p.AgentId is not null)
            .GroupBy(p => p.AgentId!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal);
        // Hosts are independent: verify them in parallel, then report their problems in host order.
        var checkedHosts = hosts.AsParallel().AsOrdered().Select(host =>
        {
            var hostProblems = new List<BundleProblem>();
            var hostCounts = new VerificationCounts();
            var hostReports = new HostVerifier(entries, catalog, hostProblems, hostCounts)
                .Verify(host.Key, host.Select(p => p.ReportId).OfType<string>().Distinct());
            return (Reports: hostReports, Problems: hostProblems, Counts: hostCounts);
        }).ToList();
        var reports = new List<IReadOnlyList<Report>?>();
        foreach (var host in checkedHosts)
        {
            reports.AddRange(host.Reports);
            problems.AddRange(host.Problems);
            counts.Add(host.Counts);
        }
        if (entries.TryGetValue(BundleLayout.AuditLog, out var audit))
            counts.AuditRows = AuditChain.Verify(new MemoryStream(audit, writable: false), BundleLayout.AuditLog, problems);
        if (reports.All(r => r is not null))
        {
            var findings = reports.SelectMany(r => r!).ToList();
            CheckFindings(entries, BundleLayout.FindingsCsv, new CsvReportWriter(), findings, problems);
            CheckFindings(entries, BundleLayout.FindingsOcsf, new OcsfReportWriter(), findings, problems);
        }
        return new BundleVerification { Problems = problems, Manifest = manifest, Signature = signature, Counts = counts };
    }

    private static ManifestDocument? ReadManifest(IReadOnlyDictionary<string, byte[]> entries, List<BundleProblem> problems)
    {
        if (!entries.TryGetValue(BundleLayout.Manifest, out var bytes))
        {
            problems.Add(new BundleProblem(BundleLayout.Manifest, "missing"));
            return null;
        }
        ManifestDocument manifest;
        try { manifest = JsonSerializer.Deserialize(bytes, BundleJsonContext.Default.ManifestDocument) ?? throw new JsonException("null"); }
        catch (JsonException e)
        {
            problems.Add(new BundleProblem(BundleLayout.Manifest, $"not a {BundleLayout.SchemaId} manifest: {e.Message}"));
            return null;
        }
        if (manifest.Schema != BundleLayout.SchemaId)
        {
            problems.Add(new BundleProblem(BundleLayout.Manifest, $"schema '{manifest.Schema}' is not {BundleLayout.SchemaId}"));
            return null;
        }
        return manifest;
    }

    private static SignatureCheck? CheckSignature(IReadOnlyDictionary<string, byte[]> entries, ManifestDocument? manifest, X509Certificate2? trust,
        List<BundleProblem> problems)
    {
        if (!entries.TryGetValue(BundleLayout.Manifest, out var bytes)) return null;
        if (!entries.TryGetValue(BundleLayout.Signature, out var p7s))
        {
            problems.Add(new BundleProblem(BundleLayout.Signature, "missing: the manifest is not signed"));
            return null;
        }
        // The chain is judged as of the export: an auditor verifies long after the signing certificate has expired.
        var check = ManifestSignature.Verify(bytes, p7s, trust, manifest?.CreatedAt ?? DateTimeOffset.UtcNow);
        problems.AddRange(check.Problems.Select(p => new BundleProblem(BundleLayout.Signature, p)));
        return check;
    }

    private static void CheckFiles(ManifestDocument manifest, IReadOnlyDictionary<string, byte[]> entries, List<BundleProblem> problems, VerificationCounts counts)
    {
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in manifest.Files)
        {
            if (!listed.Add(file.Path)) { problems.Add(new BundleProblem(file.Path, "listed twice in manifest.json")); continue; }
            if (file.Path is BundleLayout.Manifest or BundleLayout.Signature)
            {
                problems.Add(new BundleProblem(file.Path, "manifest.json cannot list itself or its signature"));
                continue;
            }
            if (!entries.TryGetValue(file.Path, out var bytes))
            {
                problems.Add(new BundleProblem(file.Path, "listed in manifest.json but missing from the bundle"));
                continue;
            }
            var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (actual != file.Sha256 || bytes.Length != file.Size)
                problems.Add(new BundleProblem(file.Path, $"SHA-256 {actual} ({bytes.Length} bytes) does not match manifest.json's {file.Sha256} ({file.Size} bytes): the file was changed"));
            else counts.FilesMatched++;
        }
        foreach (var path in entries.Keys.Order(StringComparer.Ordinal).Where(p => p is not (BundleLayout.Manifest or BundleLayout.Signature) && !listed.Contains(p)))
            problems.Add(new BundleProblem(path, "not listed in manifest.json: the file was added"));
    }

    private static void CheckFindings(IReadOnlyDictionary<string, byte[]> entries, string path, IFindingsWriter writer, IReadOnlyList<Report> reports,
        List<BundleProblem> problems)
    {
        if (!entries.TryGetValue(path, out var bytes))
        {
            problems.Add(new BundleProblem(path, "missing"));
            return;
        }
        // Rendered straight into a comparison with the bundled bytes: a fleet's findings are never held twice.
        using var comparison = new ComparingStream(bytes);
        writer.WriteAll(reports, comparison);
        if (!comparison.Matches) problems.Add(new BundleProblem(path, "does not list exactly the verdicts of the bundle's verdicts.json files"));
    }

    /// <summary>A write-only stream that says whether what was written is exactly <paramref name="expected"/>.</summary>
    private sealed class ComparingStream(byte[] expected) : Stream
    {
        private long _position;
        private bool _differs;

        /// <summary>True when the bytes written so far are exactly the expected ones, no more, no less.</summary>
        public bool Matches => !_differs && _position == expected.Length;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _position;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (!_differs && (_position + buffer.Length > expected.Length || !buffer.SequenceEqual(expected.AsSpan((int)_position, buffer.Length))))
                _differs = true;
            _position += buffer.Length;
        }
    }
}
