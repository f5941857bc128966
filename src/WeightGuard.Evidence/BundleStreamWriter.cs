using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using WeightGuard.Core.Reports;
using WeightGuard.Reporting;

namespace WeightGuard.Evidence;

/// <summary>
/// Writes a bundle host by host in bounded memory: each file goes into the zip as it is added (its SHA-256 taken on the
/// way), the findings are spooled to an owner-only temporary file one report at a time and rendered from it at the end,
/// and only the manifest's list of (path, SHA-256, size) is kept. The same additions in the same order give the same
/// bytes. Add the catalogue, then every host (in agent id order for the bundle <see cref="EvidenceBundleWriter.Write"/>
/// makes), then the audit log, then <see cref="Finish"/>.
/// </summary>
public sealed class BundleStreamWriter : IDisposable
{
    private readonly ZipArchive _zip;
    private readonly DateTimeOffset _createdAt;
    private readonly List<ManifestFile> _files = [];
    private readonly HashSet<string> _paths = new(StringComparer.Ordinal);
    private readonly FileStream _findings;
    private int _findingsCount;
    private bool _finished;

    /// <summary>A writer into <paramref name="output"/> (left open) for an export made at <paramref name="createdAt"/>.</summary>
    public BundleStreamWriter(Stream output, DateTimeOffset createdAt)
    {
        _createdAt = createdAt;
        _zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Options = FileOptions.DeleteOnClose };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        _findings = new FileStream(Path.Combine(Path.GetTempPath(), $"weightguard-findings-{Guid.NewGuid():N}.tmp"), options);
    }

    /// <summary>Adds the catalogue files.</summary>
    /// <exception cref="ArgumentException">A path is not one the layout has for a catalogue file.</exception>
    public void AddCatalog(IEnumerable<CatalogFile> catalog)
    {
        foreach (var file in catalog.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            if (!BundleLayout.IsCatalogPath(file.Path))
                throw new ArgumentException($"catalogue file '{file.Path}' is not controls/ID.yaml, profiles/ID.yaml, waivers.yaml or attestations.yaml", nameof(catalog));
            Add(BundleLayout.CatalogFolder + file.Path, file.Content);
        }
    }

    /// <summary>Adds a host, its reports in report id order, and their findings.</summary>
    /// <exception cref="ArgumentException">A bad agent id, a duplicate, or a report that is not <c>weightguard.report/v1</c>.</exception>
    public void AddHost(BundleHost host)
    {
        if (!BundleLayout.IsAgentId(host.AgentId)) throw new ArgumentException($"agent id '{host.AgentId}' cannot name a bundle folder", nameof(host));
        Add(BundleLayout.HostFile(host.AgentId), Json(HostDocumentOf(host), BundleJsonContext.Default.HostDocument));
        var reports = host.Reports.Select(r => (Source: r, Parsed: Parse(r.ReportJson, host.AgentId)))
            .OrderBy(r => r.Parsed.ReportId.ToString(), StringComparer.Ordinal);
        foreach (var (source, report) in reports)
        {
            // In ordinal path order within the folder, as the layout lists them.
            var folder = BundleLayout.ReportFolder(host.AgentId, report.ReportId.ToString());
            if (source.Attestation is { } attestation)
            {
                Add(folder + "attestation.json", Json(attestation with { EventLog = null }, BundleJsonContext.Default.QuoteAttestation));
                if (attestation.EventLog is { } log) Add(folder + "eventlog.bin", EventLogBytes(log, host.AgentId));
            }
            Add(folder + "report.json", source.ReportJson);
            Add(folder + "verdicts.json", EvidenceBundleWriter.VerdictsJson(source.Verdicts));
            foreach (var finding in source.Verdicts.Findings(report)) SpoolFinding(finding);
        }
    }

    /// <summary>Adds the audit log (oldest row first) as <c>audit.jsonl</c>; an empty log adds nothing.</summary>
    public void AddAudit(IEnumerable<AuditEntry> rows)
    {
        using var rowsEnumerator = rows.GetEnumerator();
        if (!rowsEnumerator.MoveNext()) return;
        AddStreamed(BundleLayout.AuditLog, stream =>
        {
            do stream.Write(AuditChain.Line(rowsEnumerator.Current));
            while (rowsEnumerator.MoveNext());
        });
    }

    /// <summary>Writes the findings, the manifest and its signature, and closes the zip; returns the manifest's SHA-256 (hex).</summary>
    public string Finish(string producer, string? previousManifestSha256, BundleSigningKey key)
    {
        AddStreamed(BundleLayout.FindingsCsv, stream => new CsvReportWriter().WriteAll(SpooledFindings(), stream));
        AddStreamed(BundleLayout.FindingsOcsf, stream => new OcsfReportWriter().WriteAll(SpooledFindings(), stream));
        var manifest = Json(new ManifestDocument(BundleLayout.SchemaId, _createdAt, producer, _files.OrderBy(f => f.Path, StringComparer.Ordinal).ToList(),
            previousManifestSha256), BundleJsonContext.Default.ManifestDocument);
        Entry(BundleLayout.Manifest, s => s.Write(manifest));
        var signature = ManifestSignature.Sign(manifest, key, _createdAt);
        Entry(BundleLayout.Signature, s => s.Write(signature));
        _zip.Dispose();
        _finished = true;
        return Convert.ToHexStringLower(SHA256.HashData(manifest));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_finished) _zip.Dispose();
        _findings.Dispose();
    }

    private void Add(string path, byte[] bytes) => AddStreamed(path, s => s.Write(bytes));

    /// <summary>One zip entry, listed in the manifest with the SHA-256 and size of what <paramref name="write"/> wrote.</summary>
    private void AddStreamed(string path, Action<Stream> write)
    {
        if (!_paths.Add(path)) throw new ArgumentException($"'{path}' would be written twice");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;
        Entry(path, entry =>
        {
            using var hashing = new HashingStream(entry, hash);
            write(hashing);
            size = hashing.Length;
        });
        _files.Add(new ManifestFile(path, Convert.ToHexStringLower(hash.GetHashAndReset()), size));
    }

    private void Entry(string path, Action<Stream> write)
    {
        var entry = _zip.CreateEntry(path, CompressionLevel.Optimal);
        entry.LastWriteTime = _createdAt;
        using var stream = entry.Open();
        write(stream);
    }

    /// <summary>Appends one report (its results being the aggregator's verdicts) to the findings spool, length-prefixed.</summary>
    private void SpoolFinding(Report report)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(report, WeightGuardJsonContext.Default.Report);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, json.Length);
        _findings.Write(length);
        _findings.Write(json);
        _findingsCount++;
    }

    /// <summary>The spooled reports in the order added, read back one at a time.</summary>
    private IEnumerable<Report> SpooledFindings()
    {
        _findings.Position = 0;
        var length = new byte[4];
        for (var i = 0; i < _findingsCount; i++)
        {
            _findings.ReadExactly(length);
            var json = new byte[BinaryPrimitives.ReadInt32LittleEndian(length)];
            _findings.ReadExactly(json);
            yield return JsonSerializer.Deserialize(json, WeightGuardJsonContext.Default.Report)!;
        }
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

    private static byte[] Json<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) => JsonSerializer.SerializeToUtf8Bytes(value, type);

    /// <summary>Passes writes through to an entry, hashing and counting them.</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        private long _length;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
            _length += buffer.Length;
        }
    }
}
