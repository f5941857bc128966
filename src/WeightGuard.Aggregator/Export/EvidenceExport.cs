using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using WeightGuard.Aggregator.Hosting;
using WeightGuard.Aggregator.Judgement;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Protocol;
using WeightGuard.Core.Reports;
using WeightGuard.Evidence;

namespace WeightGuard.Aggregator.Export;

/// <summary>What to export.</summary>
/// <param name="Hosts">The hosts, as <see cref="HostSelection"/> reads them (enrolled names, globs, labels, <c>profile=ID</c>,
/// agent ids); null or empty for every enrolled host.</param>
/// <param name="Since">Only reports received at or after this time; null for all.</param>
/// <param name="MadeBy">Who asked (recorded with the export).</param>
public sealed record ExportRequest(IReadOnlyList<string>? Hosts, DateTimeOffset? Since, string MadeBy);

/// <summary>What an export wrote.</summary>
/// <param name="ManifestSha256">The new manifest's SHA-256, which the next export chains to.</param>
/// <param name="Hosts">Hosts in the bundle.</param>
/// <param name="Reports">Reports in the bundle.</param>
/// <param name="CreatedAt">The bundle's creation time (whole seconds).</param>
public sealed record ExportResult(string ManifestSha256, int Hosts, int Reports, DateTimeOffset CreatedAt)
{
    /// <summary>What the audit log records of the export: what it holds and what was asked for.</summary>
    public string AuditDetails(ExportRequest request) =>
        $"{Hosts} host(s), {Reports} report(s)" +
        (request.Hosts is { Count: > 0 } hosts ? $"; hosts {string.Join(",", hosts)}" : "; every host") +
        (request.Since is { } since ? $"; reports since {since.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}" : "");
}

/// <summary>
/// Writes an evidence bundle from the store with the <see cref="EvidenceBundleWriter"/>: each report as submitted with its
/// quote, and the aggregator's judgement of it as made when it arrived (the profiles then assigned, the waivers and
/// attestations then in force: the offline verifier re-derives exactly that),
/// signed with the data directory's evidence signing key and chained to the previous export. The command line and the
/// dashboard both export through this.
/// </summary>
public sealed class EvidenceExport(IAggregatorStore store, FleetJudge judge, CatalogFiles catalogFiles, DataDirectory data, TimeProvider time)
{
    /// <summary>What a refused second export is told to wait.</summary>
    public static readonly TimeSpan BusyRetryAfter = TimeSpan.FromSeconds(30);

    private const int AuditPage = 1000;

    /// <summary>
    /// One export at a time across every instance on the database (a lock in the store): each reads the whole fleet, and
    /// the next must chain to its manifest.
    /// </summary>
    private const string ExportLock = "evidence-export";

    /// <summary>The bundle's producer, e.g. <c>weightguard-aggregator 0.1.0</c>.</summary>
    public static string Producer { get; } = "weightguard-aggregator " +
        (typeof(EvidenceExport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0");

    /// <summary>Writes the bundle to <paramref name="output"/> and records the export.</summary>
    /// <exception cref="ArgumentException">A host term selects no host, or a stored report cannot be bundled (named in the message).</exception>
    /// <exception cref="ExportInProgressException">Another export is running, on this instance or another on the same database.</exception>
    public async Task<ExportResult> WriteAsync(ExportRequest request, Stream output, CancellationToken cancel)
    {
        await using var held = await store.LockAsync(ExportLock, wait: false, cancel) ?? throw new ExportInProgressException();
        return await WriteOneAsync(request, output, cancel);
    }

    private async Task<IReadOnlyList<AuditEntry>> AuditLogAsync(CancellationToken cancel)
    {
        var rows = new List<AuditEntry>();
        IReadOnlyList<AuditEntry> page;
        do
        {
            page = await store.AuditAfterAsync(rows.Count == 0 ? 0 : rows[^1].Seq, AuditPage, cancel);
            rows.AddRange(page);
        } while (page.Count == AuditPage);
        return rows;
    }

    /// <summary>Streams host after host (in agent id order) into the bundle, holding one host's reports at a time.</summary>
    private async Task<ExportResult> WriteOneAsync(ExportRequest request, Stream output, CancellationToken cancel)
    {
        var agentIds = await HostSelection.Parse(request.Hosts ?? []).ResolveAsync(store, cancel);
        var catalog = (await judge.InputsAsync(cancel)).Catalog;
        var labels = await store.HostLabelsAsync(cancel);
        var now = time.GetUtcNow();
        var createdAt = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        using var signer = X509Certificate2.CreateFromPemFile(data.SigningCertificate, data.SigningKey);
        using var ca = data.LoadCaCertificate();
        using var writer = new BundleStreamWriter(output, createdAt);
        writer.AddCatalog(catalogFiles.WithDecisions(catalog).Files);
        var reports = 0;
        foreach (var agentId in agentIds)
        {
            var agent = await store.GetAgentAsync(agentId, cancel) ?? throw new ArgumentException($"no agent {agentId}");
            if (agent.AkPublic is not null && agent.EkPublic is null)
                throw new ArgumentException($"agent {agentId} enrolled before the aggregator kept endorsement keys; its quotes cannot be bundled until it enrols again");
            var host = new HostSubject(agent.Hostname, labels.GetValueOrDefault(agentId) ?? []);
            var bundled = (await store.ReportBodiesAsync(agentId, request.Since, cancel)).Select(b => Bundled(catalog, host, agent.AkPublic, b)).ToList();
            writer.AddHost(new BundleHost
            {
                AgentId = agent.AgentId, Hostname = agent.Hostname, MachineId = agent.MachineId, Reports = bundled,
                Tpm = agent.AkPublic is { } ak ? new HostTpmKeys(ak, agent.EkPublic!, agent.EkCertificate) : null,
            });
            reports += bundled.Count;
        }
        writer.AddAudit(await AuditLogAsync(cancel));
        var manifest = writer.Finish(Producer, await store.LastExportAsync(cancel), new BundleSigningKey(signer, [ca]));
        await store.AddExportAsync(manifest, createdAt, request.MadeBy, cancel);
        return new ExportResult(manifest, agentIds.Count, reports, createdAt);
    }

    private static BundleReport Bundled(Catalog catalog, HostSubject host, byte[]? attestationKey, StoredReportBody body)
    {
        Report report;
        QuoteAttestation? attestation;
        try
        {
            report = JsonSerializer.Deserialize(body.ReportJson, WeightGuardJsonContext.Default.Report) ?? throw new JsonException("null");
            attestation = body.AttestationJson is null ? null : JsonSerializer.Deserialize(body.AttestationJson, ProtocolJsonContext.Default.QuoteAttestation);
        }
        catch (JsonException e) { throw new ArgumentException($"stored report {body.ReportId} cannot be read: {e.Message}", e); }
        var profiles = body.Judgement.Assessments.Select(a => a.Profile).Where(catalog.Profiles.ContainsKey).ToList();
        if (profiles.Count == 0) throw new ArgumentException($"stored report {body.ReportId} was judged against profiles this catalogue no longer holds");
        var verdicts = VerdictsDocument.Judge(catalog, AttestedBoot.Judged(report, body.ReportJson, attestation, attestationKey).Evidence, host, profiles,
            body.Judgement.JudgedAt);
        return new BundleReport(System.Text.Encoding.UTF8.GetBytes(body.ReportJson), attestation, verdicts);
    }
}

/// <summary>Another evidence export is running on this database; exports run one at a time across every instance.</summary>
public sealed class ExportInProgressException() : InvalidOperationException("another evidence export is running on this aggregator or another instance on its database; try again when it has finished");
