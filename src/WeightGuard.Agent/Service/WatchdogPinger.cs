using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace WeightGuard.Agent.Service;

/// <summary>Tells systemd the agent is alive (<c>WATCHDOG=1</c>) at half the unit's <c>WatchdogSec</c>.</summary>
/// <param name="notifier">The systemd notification socket.</param>
internal sealed class WatchdogPinger(ISystemdNotifier notifier) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (!notifier.IsEnabled || !long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.None,
                CultureInfo.InvariantCulture, out var microseconds) || microseconds <= 0) return;
        var period = TimeSpan.FromMicroseconds(microseconds / 2.0);
        using var timer = new PeriodicTimer(period);
        do notifier.Notify(new ServiceState("WATCHDOG=1"));
        while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false));
    }
}
