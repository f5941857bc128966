using Microsoft.Extensions.Logging;
using WeightGuard.Agent.Config;
using WeightGuard.Agent.Enrollment;
using WeightGuard.Agent.Files;
using WeightGuard.Agent.Scanning;
using WeightGuard.Agent.Spool;
using WeightGuard.Agent.Upload;
using WeightGuard.Collectors;
using WeightGuard.Collectors.Weights.Hashing;
using WeightGuard.Collectors.Weights.Manifests;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Reports;
using WeightGuard.Tpm.Transport;

namespace WeightGuard.Agent.Service;

/// <summary>
/// One turn of the agent: scan at low priority, put the report in the spool, deliver what the spool holds, and record
/// all of it in <c>status.json</c>. The service repeats it; <c>agent run --once</c> does it once.
/// </summary>
public sealed class AgentCycle
{
    private readonly Catalog _catalog;
    private readonly string _version;
    private readonly ILogger _log;
    private AgentStatus _status;
    private readonly CurrentLogFile? _logFile;

    /// <summary>A cycle for <paramref name="config"/>.</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="catalog">The catalogue scans are judged with.</param>
    /// <param name="version">The WeightGuard version recorded in reports.</param>
    /// <param name="log">Where the agent logs.</param>
    /// <param name="logFile">The log file being written, recorded in the status for <c>weightguard agent status</c>.</param>
    public AgentCycle(AgentConfig config, Catalog catalog, string version, ILogger log, CurrentLogFile? logFile = null)
    {
        _logFile = logFile;
        _catalog = catalog;
        _version = version;
        _log = log;
        Config = config;
        SecureState(config.State);
        try { _status = AgentStatus.Load(config.StatusFile); }
        catch (AgentException e)
        {
            // The status only describes the past; a damaged one must not stop the agent from working.
            _log.LogWarning("Starting with an empty status: {Problem}", e.Message);
            _status = new AgentStatus();
        }
        Spool = new ReportSpool(config.SpoolDirectory, config.Spool);
        Record(Spool.Recover());
    }

    /// <summary>The configuration in force.</summary>
    public AgentConfig Config { get; private set; }

    /// <summary>The spool.</summary>
    public ReportSpool Spool { get; private set; }

    /// <summary>The status as last recorded.</summary>
    public AgentStatus Status => _status;

    /// <summary>Problems that make a configuration unusable with this catalogue and host (an unknown profile, a missing root).</summary>
    public static string? Validate(AgentConfig config, Catalog catalog) =>
        !catalog.Profiles.ContainsKey(config.Profile) ? $"unknown profile '{config.Profile}' (known: {string.Join(", ", catalog.Profiles.Keys)})"
        : !Directory.Exists(config.Root) ? $"root {config.Root}: no such directory"
        : null;

    /// <summary>Creates the state directory owner-only, or repairs its permissions and logs each repair.</summary>
    private void SecureState(string state)
    {
        foreach (var repair in StatePermissions.Secure(state))
            _log.LogWarning("Repaired the permissions of the agent's state (owner only): {Repair}", repair);
    }

    /// <summary>Switches to a reloaded configuration (the spool follows its new limits).</summary>
    public void Apply(AgentConfig config)
    {
        Config = config;
        SecureState(config.State);
        Spool = new ReportSpool(config.SpoolDirectory, config.Spool);
    }

    /// <summary>Scans at low priority and spools the report; returns it.</summary>
    public async Task<Report> ScanAndSpool(CancellationToken cancel)
    {
        var config = Config;
        var root = new HostRoot(config.Root);
        WeightHashingOptions? hashing = null;
        // manifests are compared by digest, so they turn hashing (with its cache) on
        if (config.Hashing.Enabled || config.Hashing.Manifests is { Count: > 0 })
        {
            StatePermissions.CreatePrivateDirectory(Path.GetDirectoryName(config.DigestCacheFile)!);
            hashing = new WeightHashingOptions(true, config.DigestCacheFile, config.Hashing.GpuBusyPercent);
        }
        var integrity = config.Hashing.Manifests is { Count: > 0 } manifests ? new WeightIntegrityOptions(manifests, config.Hashing.ManifestSigners ?? []) : null;
        var request = new ScanRequest(_catalog, config.Profile, root, config.Weights ?? EvidenceCollector.DefaultWeightPaths(root),
            TpmSelector.Parse(config.Tpm), _version, hashing, integrity);
        _log.LogInformation("Scanning against {Profile}", config.Profile);
        var report = await LowPriority.Run(() => HostScanner.Scan(request, warn: w => _log.LogWarning("{Warning}", w)),
            problem => { if (problem is not null) _log.LogWarning("Scanning at normal priority: {Problem}", problem); }).WaitAsync(cancel).ConfigureAwait(false);
        var summary = report.Summary;
        _log.LogInformation("Scan {ReportId}: {Rand}; against {Profile}: {Pass} pass, {Fail} fail, {Error} error",
            report.ReportId, summary.Rand.ToString(), config.Profile, summary.Pass, summary.Fail, summary.Error);
        var losses = Spool.Add(report.ReportId, report.FinishedAt, HostScanner.ToJson(report));
        _status = _status with
        {
            LastScan = new ScanStatus(report.FinishedAt, report.ReportId, config.Profile, summary.Rand.ToString(),
                summary.Pass, summary.Fail, summary.Error),
        };
        Record(losses);
        return report;
    }

    /// <summary>Delivers the spool in order; a failure leaves the rest spooled and is returned, not thrown.</summary>
    public async Task<DeliveryPass> Deliver(CancellationToken cancel)
    {
        DeliveryPass pass;
        try
        {
            using var identity = AgentIdentity.Load(Config.State);
            using var uploader = new ReportUploader(identity, new HostRoot(Config.Root), Config.Server);
            pass = await new SpoolDispatcher(Spool, uploader.Upload, _log).DeliverPending(cancel).ConfigureAwait(false);
        }
        catch (AgentException e)
        {
            _log.LogWarning("Reports stay spooled: {Problem}", e.Message);
            pass = new DeliveryPass([], [], e);
        }
        var last = pass.Delivered.Count > 0 ? pass.Delivered[^1] : null;
        _status = _status with
        {
            LastDelivery = last is null ? _status.LastDelivery : new DeliveryStatus(DateTimeOffset.UtcNow, last.ReportId, last.Duplicate, last.Attestation),
            LastDeliveryError = pass.Failure?.Message,
        };
        Record(pass.Losses);
        return pass;
    }

    /// <summary>Records when the next scan is due.</summary>
    public void ScheduleNext(DateTimeOffset at)
    {
        _status = _status with { NextScan = at };
        Save();
    }

    /// <summary>Counts losses (each one logged), refreshes the spool figures and saves the status.</summary>
    private void Record(IReadOnlyList<SpoolLoss> losses)
    {
        foreach (var loss in losses)
            _log.LogError("Report {ReportId} from {FinishedAt} will not be delivered: {Reason}", loss.ReportId, loss.FinishedAt, loss.Reason);
        if (losses.Count > 0) _status = _status with { LostReports = _status.LostReports + losses.Count, LastLoss = losses[^1].Reason };
        Save();
    }

    private void Save()
    {
        var pending = Spool.Pending();
        _status = _status with { SpoolDepth = pending.Count, OldestSpooled = pending.Count > 0 ? pending[0].FinishedAt : null, LogFile = _logFile?.Path };
        try { _status.Save(Config.StatusFile); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { _log.LogError("Cannot write {StatusFile}: {Problem}", Config.StatusFile, e.Message); }
    }
}
