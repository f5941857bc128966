using WeightGuard.Aggregator.Alerts;
using WeightGuard.Aggregator.Storage;
using static WeightGuard.Aggregator.Dashboard.Markup;

namespace WeightGuard.Aggregator.Dashboard.Pages;

/// <summary>
/// Recent alerts (viewer), newest first: when, which host, what changed and why, and where each alert stands with every
/// sink it was meant for; above them the configured sinks (by name and destination host, never a URL's path or a secret)
/// and how many alerts each dropped because its queue was full.
/// </summary>
public static class AlertsPage
{
    /// <summary>Alerts shown.</summary>
    public const int Limit = 200;

    /// <summary>Renders <paramref name="alerts"/> and the sinks of <paramref name="dispatcher"/>.</summary>
    public static Markup Render(HttpContext http, IReadOnlyList<AlertWithDeliveries> alerts, AlertDispatcher dispatcher) => Layout.Page(http, "Alerts", Html($"""
        <h1>Alerts</h1>
        <p>An alert is raised when a host changes state (compliant, failing, stale, untrusted), when a submission is refused because its attestation did not hold, when its PCRs drift from the baseline, and when its report shows a weight file outside the approved weight paths that the report before did not.</p>
        <h2>Sinks</h2>
        {(dispatcher.Sinks.Count == 0
            ? Html($"<p class=\"hint\">No sinks are configured: alerts are listed here only. Add webhooks or syslog receivers under <code>alerts</code> in <code>aggregator.json</code>.</p>")
            : Html($"""
                <table><caption>{dispatcher.Sinks.Count} sink(s)</caption>
                <thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Destination</th><th scope="col">Least severity</th><th scope="col">Dropped since start</th></tr></thead>
                <tbody>{Join(dispatcher.Sinks.Select(s => Html($"<tr><td>{s.Settings.Name}</td><td>{Kind(s.Settings)}</td><td><code>{Destination(s.Settings)}</code></td><td>{s.Settings.MinimumSeverity.Name()}</td><td>{dispatcher.Dropped[s.Settings.Name]}</td></tr>")))}</tbody></table>
                """))}
        <h2>Recent alerts</h2>
        <table><caption>{alerts.Count} alert(s), newest first</caption>
        <thead><tr><th scope="col">When (UTC)</th><th scope="col">Host</th><th scope="col">Event</th><th scope="col">Severity</th><th scope="col">State</th><th scope="col">Why</th><th scope="col">Delivery</th></tr></thead>
        <tbody>{Join(alerts.Select(Row))}</tbody></table>
        """));

    private static Markup Row(AlertWithDeliveries a)
    {
        var reasons = AlertEvent.FromJson(a.Alert.Body).Reasons;
        return Html($"""
            <tr><td>{a.Alert.At:yyyy-MM-dd HH:mm:ss}</td><td><a href="{DashboardPaths.Host(a.Alert.AgentId)}">{a.Alert.Hostname}</a></td><td>{a.Alert.Type}</td>
            <td><span class="sev {a.Alert.Severity}">{a.Alert.Severity}</span></td><td><span class="state {a.Alert.FromState}">{a.Alert.FromState}</span> → <span class="state {a.Alert.ToState}">{a.Alert.ToState}</span></td>
            <td>{(reasons.Count == 0 ? Empty : Html($"<ul>{Join(reasons.Select(r => Html($"<li>{r}</li>")))}</ul>"))}</td>
            <td>{(a.Deliveries.Count == 0 ? Html($"<span class=\"hint\">no sink takes this severity</span>") : Html($"<ul>{Join(a.Deliveries.Select(d => Html($"<li>{d.Sink}: <span class=\"status {d.Status}\">{d.Status}</span>{(d.Attempts > 1 ? $" ({d.Attempts} attempts)" : "")}{(d.Detail is { } detail && d.Status != "delivered" ? $" — {detail}" : "")}</li>")))}</ul>"))}</td></tr>
            """);
    }

    private static string Kind(SinkSettings sink) => sink switch
    {
        WebhookSettings => "webhook",
        SyslogSettings s => "syslog " + s.Transport.ToString().ToLowerInvariant(),
        _ => "",
    };

    /// <summary>A webhook's scheme, host and port only: its path and query often carry a token.</summary>
    private static string Destination(SinkSettings sink) => sink switch
    {
        WebhookSettings w => w.Url.GetLeftPart(UriPartial.Authority),
        SyslogSettings s => s.Destination,
        _ => "",
    };
}
