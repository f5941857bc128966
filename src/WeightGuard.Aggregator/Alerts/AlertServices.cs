using WeightGuard.Aggregator.Api;
using WeightGuard.Aggregator.Dashboard;
using WeightGuard.Aggregator.Dashboard.Pages;
using WeightGuard.Aggregator.Hosting;
using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Alerts;

/// <summary>Wires alerts into the aggregator: the sinks, the dispatcher, the watch, the periodic sweep and the dashboard page.</summary>
public static class AlertServices
{
    /// <summary>Registers the alert services for <paramref name="settings"/>.</summary>
    public static void Add(IServiceCollection services, AggregatorSettings settings)
    {
        services.AddSingleton(settings.Alerts);
        services.AddSingleton(provider => new AlertDispatcher(Sinks(settings, provider), settings.Store, settings.Time,
            provider.GetRequiredService<ILogger<AlertDispatcher>>()));
        services.AddHostedService(provider => provider.GetRequiredService<AlertDispatcher>());
        services.AddSingleton<HostAlerts>();
        services.AddHostedService<AlertSweep>();
    }

    /// <summary>Maps the dashboard's alerts page (viewer).</summary>
    public static void Map(WebApplication app) =>
        app.MapGet(DashboardPaths.Alerts, async (HttpContext http, IAggregatorStore store, AlertDispatcher dispatcher, CancellationToken cancel) =>
                new HtmlPage(AlertsPage.Render(http, await store.RecentAlertsAsync(AlertsPage.Limit, cancel), dispatcher)))
            .RequireAuthorization(DashboardAuthentication.Policy(Roles.Viewer));

    private static IEnumerable<IAlertSink> Sinks(AggregatorSettings settings, IServiceProvider provider) =>
        settings.Alerts.Webhooks.Select(w => (IAlertSink)new WebhookSink(w, settings.Time, provider.GetRequiredService<ILogger<WebhookSink>>()))
            .Concat(settings.Alerts.Syslog.Select(s => new SyslogSink(s)));
}
