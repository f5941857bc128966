using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using WeightGuard.Core.Reports;
using WeightGuard.Reporting;

namespace WeightGuard.Evidence;

/// <summary>
/// Verifies a <c>weightguard.bundle/v1</c> zip offline, in bounded memory: the CMS signature over the manifest and the
/// signer's chain to a trusted certificate, every file's SHA-256 against the manifest (none missing, none extra), the
/// layout, every quote's signature and evidence binding under its host's attestation key, every event log's replay, every
/// verdict's re-derivation with the bundled catalogue, the findings files against the verdicts, and the audit log's hash
/// chain. Entries are read one at a time, each hashed as it is inflated; hosts are read a batch at a time and verified in
/// parallel, and the findings files are compared as they are read. A file whose hash does not match the manifest is named
/// once and not interpreted further. It never stops at the first defect: every problem is collected.
/// </summary>
public static class EvidenceBundleVerifier
{
    /// <summary>Hosts read into memory at a time (the parallel verification works on one batch).</summary>
    private static readonly int HostBatch = Math.Max(4, Environment.ProcessorCount * 4);

    /// <summary>Verifies the bundle read from <paramref name="bundle"/> (seekable).</summary>
    /// <param name="bundle">The zip.</param>
    /// <param name="trust">The aggregator CA or its signing certificate; null checks everything but the anchor.</param>
    /// <param name="limits">Archive bounds; <see cref="BundleLimits.Default"/> when null.</param>
    public static BundleVerification Verify(Stream bundle, X509Certificate2? trust, BundleLimits? limits = null)
    {
        using var archive = BundleArchive.Open(bundle, limits ?? BundleLimits.Default);
        var counts = new VerificationCounts();
        // A bundle that is not a readable zip is one problem, not one per file it should have held.
        if (!archive.Opened)
            return new BundleVerification
            {
                Problems = archive.Problems, Counts = counts,
                Checks = [new CheckOutcome(VerificationChecks.ArchiveCheck, CheckOutcome.Failed, "the archive could not be read, so nothing else was checked")],
            };

        // A changed manifest is reported as a broken signature first: that is what an auditor needs to hear.
        var manifestProblems = new List<BundleProblem>();
        var manifestBytes = archive.Read(BundleLayout.Manifest);
        var manifest = ReadManifest(archive, manifestBytes, manifestProblems);
        var signatureProblems = new List<BundleProblem>();
        var signature = CheckSignature(archive, manifestBytes, manifest, trust, signatureProblems);
        var fileProblems = new List<BundleProblem>();
        var contents = new Contents(archive, Listed(manifest, fileProblems));
        var layoutProblems = archive.Paths.Where(p => BundleLayout.Classify(p).Kind == BundleFileKind.Unknown)
            .Select(p => new BundleProblem(p, $"not part of the {BundleLayout.SchemaId} layout")).ToList();

        var catalogProblems = new List<BundleProblem>();
        var catalog = BundledCatalog.Load(archive.Paths.Where(p => BundleLayout.Classify(p).Kind is BundleFileKind.CatalogControl or BundleFileKind.CatalogProfile
            or BundleFileKind.CatalogWaivers or BundleFileKind.CatalogAttestations).ToDictionary(p => p, contents.Intact, StringComparer.Ordinal), catalogProblems);

        var hosts = new HostsPass(contents, catalog);
        var findingsProblems = hosts.RunComparingFindings();
        var auditProblems = new List<BundleProblem>();
        if (archive.Contains(BundleLayout.AuditLog))
        {
            using (var audit = archive.OpenRead(BundleLayout.AuditLog))
                if (audit is not null) counts.AuditRows = AuditChain.Verify(audit, BundleLayout.AuditLog, auditProblems);
            if (!contents.IsIntact(BundleLayout.AuditLog)) { auditProblems.Clear(); counts.AuditRows = 0; }
        }
        if (manifest is not null) CheckFiles(manifest, archive, fileProblems, counts);
        else fileProblems.AddRange(archive.EntryProblems);
        counts.Add(hosts.Counts);

        var problems = archive.Problems.Concat(signatureProblems).Concat(manifestProblems).Concat(fileProblems).Concat(layoutProblems)
            .Concat(catalogProblems).Concat(hosts.Problems).Concat(auditProblems).Concat(findingsProblems).ToList();
        return new BundleVerification
        {
            Problems = problems, Manifest = manifest, Signature = signature, Counts = counts, Hosts = hosts.Summaries, Flags = hosts.Flags,
            Checks = VerificationChecks.Describe(archive, signature, trust, manifest, counts, fileProblems, layoutProblems, catalog, catalogProblems, hosts.Problems,
                archive.Contains(BundleLayout.AuditLog), auditProblems, findingsProblems, hosts.FindingsComplete),
        };
    }

    private static ManifestDocument? ReadManifest(BundleArchive archive, byte[]? bytes, List<BundleProblem> problems)
    {
        if (bytes is null)
        {
            if (!archive.Contains(BundleLayout.Manifest)) problems.Add(new BundleProblem(BundleLayout.Manifest, "missing"));
            return null;
        }
        ManifestDocument manifest;
        try { manifest = JsonSerializer.Deserialize(bytes, BundleJsonContext.Default.ManifestDocument) ?? throw new JsonException("null"); }
        catch (JsonException e)
        {
            problems.Add(new BundleProblem(BundleLayout.Manifest, $"not a {BundleLayout.SchemaId} manifest: {HostVerifier.Short(e.Message)}"));
            return null;
        }
        if (manifest.Schema != BundleLayout.SchemaId)
        {
            problems.Add(new BundleProblem(BundleLayout.Manifest, $"schema '{HostVerifier.Short(manifest.Schema)}' is not {BundleLayout.SchemaId}"));
            return null;
        }
        return manifest;
    }

    private static SignatureCheck? CheckSignature(BundleArchive archive, byte[]? manifestBytes, ManifestDocument? manifest, X509Certificate2? trust,
        List<BundleProblem> problems)
    {
        if (manifestBytes is null) return null;
        if (archive.Read(BundleLayout.Signature) is not { } p7s)
        {
            if (!archive.Contains(BundleLayout.Signature)) problems.Add(new BundleProblem(BundleLayout.Signature, "missing: the manifest is not signed"));
            return null;
        }
        // The chain is judged as of the export: an auditor verifies long after the signing certificate has expired.
        var check = ManifestSignature.Verify(manifestBytes, p7s, trust, manifest?.CreatedAt ?? DateTimeOffset.UtcNow);
        problems.AddRange(check.Problems.Select(p => new BundleProblem(BundleLayout.Signature, p)));
        return check;
    }

    /// <summary>The manifest's files by path; a path listed twice, or the manifest listing itself, is a problem and not trusted.</summary>
    private static Dictionary<string, ManifestFile> Listed(ManifestDocument? manifest, List<BundleProblem> problems)
    {
        var listed = new Dictionary<string, ManifestFile>(StringComparer.Ordinal);
        foreach (var file in manifest?.Files ?? [])
            if (!listed.TryAdd(file.Path, file)) problems.Add(new BundleProblem(file.Path, "listed twice in manifest.json"));
        return listed;
    }

    private static void CheckFiles(ManifestDocument manifest, BundleArchive archive, List<BundleProblem> problems, VerificationCounts counts)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in manifest.Files)
        {
            if (!seen.Add(file.Path)) continue;
            if (file.Path is BundleLayout.Manifest or BundleLayout.Signature)
            {
                problems.Add(new BundleProblem(file.Path, "manifest.json cannot list itself or its signature"));
                continue;
            }
            if (!archive.Contains(file.Path))
            {
                problems.Add(new BundleProblem(file.Path, "listed in manifest.json but missing from the bundle"));
                continue;
            }
            if (archive.Digest(file.Path) is not { } actual) continue;
            if (actual.Sha256 != file.Sha256 || actual.Size != file.Size)
                problems.Add(new BundleProblem(file.Path, $"SHA-256 {actual.Sha256} ({actual.Size} bytes) does not match manifest.json's {HostVerifier.Short(file.Sha256)} ({file.Size} bytes): the file was changed"));
            else counts.FilesMatched++;
        }
        foreach (var path in archive.Paths.Where(p => p is not (BundleLayout.Manifest or BundleLayout.Signature) && !seen.Contains(p)))
        {
            archive.Digest(path);
            problems.Add(new BundleProblem(path, "not listed in manifest.json: the file was added"));
        }
        // Entries that could not be inflated: one line each, in path order, after the hash checks.
        problems.AddRange(archive.EntryProblems);
    }

    /// <summary>The bundle's entries as the checks read them: intact (hash as listed) or null, never a damaged file's bytes.</summary>
    private sealed class Contents(BundleArchive archive, IReadOnlyDictionary<string, ManifestFile> listed)
    {
        public BundleArchive Archive => archive;

        /// <summary>The bytes of <paramref name="path"/> when it inflates and matches its manifest entry (or is not listed); else null.</summary>
        public byte[]? Intact(string path) => archive.Read(path) is { } bytes && IsIntact(path) ? bytes : null;

        /// <summary>False when the entry, already read, failed to inflate or differs from its manifest entry.</summary>
        public bool IsIntact(string path) => !archive.Failed(path) &&
            (!listed.TryGetValue(path, out var file) || archive.Digest(path) is not { } digest || (digest.Sha256 == file.Sha256 && digest.Size == file.Size));
    }

    /// <summary>
    /// Verifies the hosts a batch at a time (read on this thread, checked in parallel, gathered in agent id order) while
    /// rendering their findings straight into a comparison with the bundled findings files: a fleet is never held at once.
    /// </summary>
    private sealed class HostsPass(Contents contents, Core.Catalog.Catalog? catalog)
    {
        public List<BundleProblem> Problems { get; } = [];
        public VerificationCounts Counts { get; } = new();
        public List<HostSummary> Summaries { get; } = [];
        public List<BundleFlag> Flags { get; } = [];
        /// <summary>False when a report or its verdicts could not be read, so the findings files cannot be compared.</summary>
        public bool FindingsComplete { get; private set; } = true;

        /// <summary>Runs the hosts and returns the findings files' problems.</summary>
        public List<BundleProblem> RunComparingFindings()
        {
            var archive = contents.Archive;
            var problems = new List<BundleProblem>();
            using var csv = archive.OpenRead(BundleLayout.FindingsCsv);
            using var ocsf = archive.OpenRead(BundleLayout.FindingsOcsf);
            using var csvComparison = new ComparingStream(csv);
            using var ocsfComparison = new ComparingStream(ocsf);
            var ocsfWriter = new OcsfReportWriter();
            new CsvReportWriter().WriteAll(Findings(report => ocsfWriter.Write(report, ocsfComparison)), csvComparison);
            var csvMatches = csvComparison.Matches;
            var ocsfMatches = ocsfComparison.Matches;
            // Closing reads what the comparison left and records each file's digest, for the intact check below.
            csv?.Dispose();
            ocsf?.Dispose();
            if (!FindingsComplete) return problems;
            foreach (var (path, matches) in new[] { (BundleLayout.FindingsCsv, csvMatches), (BundleLayout.FindingsOcsf, ocsfMatches) })
            {
                if (!archive.Contains(path)) problems.Add(new BundleProblem(path, "missing"));
                else if (!matches && contents.IsIntact(path))
                    problems.Add(new BundleProblem(path, "does not list exactly the verdicts of the bundle's verdicts.json files"));
            }
            return problems;
        }

        /// <summary>Every host's findings in agent id order, each also passed to <paramref name="also"/>.</summary>
        private IEnumerable<Report> Findings(Action<Report> also)
        {
            var hosts = contents.Archive.Paths.Select(p => (Path: p, Place: BundleLayout.Classify(p))).Where(p => p.Place.AgentId is not null)
                .GroupBy(p => p.Place.AgentId!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal);
            foreach (var batch in hosts.Chunk(HostBatch))
            {
                var read = batch.Select(host => (AgentId: host.Key,
                    Entries: (IReadOnlyDictionary<string, byte[]?>)host.Where(p => p.Place.Kind != BundleFileKind.Unknown)
                        .ToDictionary(p => p.Path, p => contents.Intact(p.Path), StringComparer.Ordinal),
                    ReportIds: host.Select(p => p.Place.ReportId).OfType<string>().Distinct(StringComparer.Ordinal).ToList())).ToList();
                var verified = read.AsParallel().AsOrdered().Select(host =>
                {
                    var problems = new List<BundleProblem>();
                    var counts = new VerificationCounts();
                    var (summary, findings, flags) = new HostVerifier(host.Entries, catalog, problems, counts).Verify(host.AgentId, host.ReportIds);
                    return (Summary: summary, Findings: findings, Flags: flags, Problems: problems, Counts: counts);
                }).ToList();
                foreach (var host in verified)
                {
                    Problems.AddRange(host.Problems);
                    Counts.Add(host.Counts);
                    Summaries.Add(host.Summary);
                    Flags.AddRange(host.Flags);
                    foreach (var report in host.Findings)
                    {
                        if (report is null) { FindingsComplete = false; continue; }
                        foreach (var finding in report)
                        {
                            also(finding);
                            yield return finding;
                        }
                    }
                }
            }
        }
    }

    /// <summary>A write-only stream that says whether what was written is exactly what <paramref name="expected"/> holds (null: nothing matches).</summary>
    private sealed class ComparingStream(Stream? expected) : Stream
    {
        private readonly byte[] _buffer = new byte[81920];
        private long _position;
        private bool _differs = expected is null;

        /// <summary>True when the bytes written are exactly the expected ones, no more, no less (reads the expected stream's end).</summary>
        public bool Matches
        {
            get
            {
                if (!_differs && expected!.Read(_buffer, 0, 1) > 0) _differs = true;
                return !_differs;
            }
        }

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
            _position += buffer.Length;
            while (!_differs && buffer.Length > 0)
            {
                var n = expected!.Read(_buffer, 0, Math.Min(buffer.Length, _buffer.Length));
                if (n == 0 || !buffer[..n].SequenceEqual(_buffer.AsSpan(0, n))) _differs = true;
                buffer = buffer[n..];
            }
        }
    }
}
