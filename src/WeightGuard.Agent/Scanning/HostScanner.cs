using System.Text.Json;
using WeightGuard.Collectors;
using WeightGuard.Collectors.Weights.Hashing;
using WeightGuard.Collectors.Weights.Manifests;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Protocol;
using WeightGuard.Core.Reports;
using WeightGuard.Tpm.Transport;

namespace WeightGuard.Agent.Scanning;

/// <summary>What to scan and judge.</summary>
/// <param name="Catalog">The catalogue (with waivers).</param>
/// <param name="ProfileId">The profile to judge against; must exist in the catalogue.</param>
/// <param name="Root">The host (or tree) to read.</param>
/// <param name="WeightPaths">Where the weights are.</param>
/// <param name="Tpm">Which TPM the collectors ask.</param>
/// <param name="Version">The WeightGuard version recorded in the report.</param>
/// <param name="Hashing">Whether and how weight files are hashed; null: not hashed.</param>
/// <param name="Integrity">Signed weight manifests the weight files are compared with; null: none.</param>
public sealed record ScanRequest(Catalog Catalog, string ProfileId, HostRoot Root, IReadOnlyList<string> WeightPaths, TpmSelector Tpm, string Version,
    WeightHashingOptions? Hashing = null, WeightIntegrityOptions? Integrity = null);

/// <summary>One scan: collect evidence, judge it, and wrap both in a report. Shared by <c>weightguard scan</c> and the agent.</summary>
public static class HostScanner
{
    /// <summary>Scans and returns the report; <paramref name="warn"/> hears problems that cost time but leave the evidence right.</summary>
    public static Report Scan(ScanRequest request, IProgress<string>? progress = null, Action<string>? warn = null)
    {
        var started = DateTimeOffset.UtcNow;
        var evidence = EvidenceCollector.Collect(new CollectionOptions(request.Root, request.WeightPaths, Tpm: request.Tpm, Hashing: request.Hashing, Integrity: request.Integrity),
            progress, warn: warn);
        var finished = DateTimeOffset.UtcNow;
        var evaluation = Evaluator.Evaluate(request.Catalog, request.ProfileId, evidence, finished);
        var resolved = request.Catalog.Resolve(request.ProfileId);
        return new Report
        {
            ReportId = Guid.NewGuid(),
            Host = evidence.Host,
            Agent = new AgentInfo(request.Version),
            StartedAt = started,
            FinishedAt = finished,
            Profile = new ProfileInfo(request.ProfileId, resolved.Definition.Title, resolved.Digest),
            Evidence = evidence,
            Results = evaluation.Results,
            Summary = evaluation.Summary,
        };
    }

    /// <summary>The report as the aggregator reads it inside a submission.</summary>
    public static byte[] ToJson(Report report) => JsonSerializer.SerializeToUtf8Bytes(report, ProtocolJsonContext.Default.Report);
}
