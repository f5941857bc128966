using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Catalog;
using static WeightGuard.Aggregator.Dashboard.Markup;

namespace WeightGuard.Aggregator.Dashboard.Pages;

/// <summary>
/// One control across the fleet: what it asks, how to fix it, and its current verdict on every host under every profile
/// the host is judged against that includes it (filterable by status).
/// </summary>
public static class ControlPage
{
    /// <summary>Renders the page; <paramref name="status"/> keeps only verdicts of that status.</summary>
    public static Markup Render(HttpContext http, ControlDefinition control, IReadOnlyList<ControlVerdictOnHost> verdicts, string? status)
    {
        var counts = verdicts.GroupBy(h => h.Status, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var shown = status is null ? verdicts : verdicts.Where(h => h.Status == status).ToList();
        return Layout.Page(http, control.Id, Html($"""
            <h1>{control.Id}: {control.Title}</h1>
            <dl class="facts">
            <dt>Severity</dt><dd><span class="sev {control.Severity.ToString().ToLowerInvariant()}">{control.Severity.ToString().ToLowerInvariant()}</span></dd>
            <dt>Domain</dt><dd>{control.Domain}</dd>
            <dt>What it asks</dt><dd>{control.Description}</dd>
            <dt>Why</dt><dd>{control.Rationale}</dd>
            <dt>Remediation (Linux)</dt><dd>{control.Remediation.Linux}</dd>
            {If(control.Remediation.Windows is not null, Html($"<dt>Remediation (Windows)</dt><dd>{control.Remediation.Windows}</dd>"))}
            <dt>References</dt><dd>{string.Join("; ", control.References.Select(r => $"{r.Key} {string.Join(", ", r.Value)}"))}</dd>
            </dl>
            <h2>Across the fleet</h2>
            <p>{Join(counts.Select(g => Html($"<a href=\"{DashboardPaths.With(DashboardPaths.Control(control.Id), ("status", g.Key))}\">{g.Key}: {g.Count()}</a> ")))} <a href="{DashboardPaths.Control(control.Id)}">all: {verdicts.Count}</a></p>
            <table><caption>{(status is null ? "Its current verdict on every host, under each assigned profile that includes it" : $"Where it is {status}")}</caption>
            <thead><tr><th scope="col">Host</th><th scope="col">Profile</th><th scope="col">Status</th><th scope="col">Report received (UTC)</th></tr></thead>
            <tbody>{Join(shown.Select(h => Html($"""<tr><td><a href="{DashboardPaths.Host(h.AgentId)}">{h.Hostname}</a></td><td>{h.Profile}</td><td><span class="status {h.Status}">{h.Status}</span></td><td>{h.ReceivedAt:yyyy-MM-dd HH:mm}</td></tr>""")))}</tbody></table>
            """));
    }
}
