namespace WeightGuard.Aggregator.Alerts;

/// <summary>
/// Looks at every host at start and then every <see cref="AlertSettings.SweepInterval"/> on the aggregator's clock, so
/// that a host that stops reporting is alerted as stale without a report to trigger it.
/// </summary>
public sealed class AlertSweep(HostAlerts alerts, AlertSettings settings, TimeProvider time, ILogger<AlertSweep> log) : BackgroundService
{
    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.SweepInterval, time);
        do
        {
            try { await alerts.SweepAsync(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                log.LogError(e, "The alert sweep failed; it runs again in {Interval}", settings.SweepInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
