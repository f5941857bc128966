using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog.Core;
using WeightGuard.Agent.Config;
using WeightGuard.Agent.Spool;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Agent.Service;

/// <summary>
/// The service loop: a scan every interval plus jitter, delivery after each scan and, while the aggregator is away,
/// retries with exponential backoff; SIGHUP re-reads the configuration and keeps the old one when the new one is bad.
/// </summary>
/// <param name="cycle">What one turn does.</param>
/// <param name="configPath">The configuration file, re-read on SIGHUP.</param>
/// <param name="catalog">The catalogue, to validate a reloaded profile.</param>
/// <param name="level">The log level, changed by a reload.</param>
/// <param name="log">Where the loop logs.</param>
internal sealed class AgentWorker(AgentCycle cycle, string configPath, Catalog catalog, LoggingLevelSwitch level, ILogger<AgentWorker> log) : BackgroundService
{
    /// <summary>Longest single wait (the timer API's limit is about 24 days).</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);

    private readonly SemaphoreSlim _reload = new(0);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        using var hangup = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true; // SIGHUP means "reload", not "terminate"
            _reload.Release();
        });
        var backoff = Backoff.Default();
        var nextScan = DateTimeOffset.UtcNow;
        var nextDelivery = DateTimeOffset.MaxValue;
        log.LogInformation("WeightGuard agent started: profile {Profile}, every {Interval} (+ up to {Jitter}), state in {State}",
            cycle.Config.Profile, cycle.Config.Interval, cycle.Config.Jitter, cycle.Config.State);
        while (!stopping.IsCancellationRequested)
        {
            if (DateTimeOffset.UtcNow >= nextScan)
            {
                try { await cycle.ScanAndSpool(stopping).ConfigureAwait(false); }
                catch (Exception e) when (e is not OperationCanceledException) { log.LogError(e, "The scan failed"); }
                nextScan = DateTimeOffset.UtcNow + cycle.Config.Interval + Random.Shared.NextDouble() * cycle.Config.Jitter;
                cycle.ScheduleNext(nextScan);
                nextDelivery = DateTimeOffset.UtcNow;
            }
            if (DateTimeOffset.UtcNow >= nextDelivery)
            {
                var pass = await cycle.Deliver(stopping).ConfigureAwait(false);
                if (pass.Failure is null)
                {
                    backoff.Reset();
                    nextDelivery = DateTimeOffset.MaxValue;
                }
                else
                {
                    var delay = backoff.NextDelay();
                    nextDelivery = DateTimeOffset.UtcNow + delay;
                    log.LogInformation("Next delivery attempt in {Delay} (attempt {Attempt})", delay, backoff.Failures + 1);
                }
            }
            var wait = (nextScan < nextDelivery ? nextScan : nextDelivery) - DateTimeOffset.UtcNow;
            if (wait <= TimeSpan.Zero) continue;
            try
            {
                if (await _reload.WaitAsync(wait < MaxWait ? wait : MaxWait, stopping).ConfigureAwait(false)) Reload();
            }
            catch (OperationCanceledException) { break; }
        }
        log.LogInformation("WeightGuard agent stopping");
    }

    private void Reload()
    {
        var result = AgentConfigLoader.LoadFile(configPath);
        var problem = result.Config is { } config ? AgentCycle.Validate(config, catalog) : null;
        if (result.Config is null || problem is not null)
        {
            foreach (var error in result.Errors) log.LogError("Configuration not reloaded: {Problem}", error.ToString());
            if (problem is not null) log.LogError("Configuration not reloaded: {File}: {Problem}", configPath, problem);
            return;
        }
        if (result.Config.Log != cycle.Config.Log with { Level = result.Config.Log.Level })
            log.LogWarning("Log destinations change at the next restart; the level changes now");
        level.MinimumLevel = result.Config.Log.Level;
        cycle.Apply(result.Config);
        log.LogInformation("Configuration reloaded from {File}", configPath);
    }

    public override void Dispose()
    {
        _reload.Dispose();
        base.Dispose();
    }
}
