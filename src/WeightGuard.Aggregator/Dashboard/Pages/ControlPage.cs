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
    /// <summary>Verdicts per page.</summary>
    public const int PageSize = 200;

    /// <summary>Renders page <paramref name="page"/> of <paramref name="verdicts"/>, those of <paramref name="status"/> (any when null).</summary>
    public static Markup Render(HttpContext http, ControlDefinition control, ControlVerdictPage verdicts, string? status, int page)
    {
        var counts = verdicts.Statuses.OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var shown = verdicts.Verdicts;
        var pages = Math.Max(1, (verdicts.Matching + PageSize - 1) / PageSize);
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
            <p>{Join(counts.Select(g => Html($"<a href=\"{DashboardPaths.With(DashboardPaths.Control(control.Id), ("status", g.Key))}\">{g.Key}: {g.Value}</a> ")))} <a href="{DashboardPaths.Control(control.Id)}">all: {verdicts.Statuses.Values.Sum()}</a></p>
            <table><caption>{(status is null ? "Its current verdict on every host, under each assigned profile that includes it" : $"Where it is {status}")}</caption>
            <thead><tr><th scope="col">Host</th><th scope="col">Profile</th><th scope="col">Status</th><th scope="col">Report received (UTC)</th></tr></thead>
            <tbody>{Join(shown.Select(h => Html($"""<tr><td><a href="{DashboardPaths.Host(h.AgentId)}">{h.Hostname}</a></td><td>{h.Profile}</td><td><span class="status {h.Status}">{h.Status}</span></td><td>{h.ReceivedAt:yyyy-MM-dd HH:mm}</td></tr>""")))}</tbody></table>
            {If(pages > 1, Html($"""<nav aria-label="Pages" class="pager"><p>Page {page} of {pages}. {If(page > 1, Html($"<a href=\"{DashboardPaths.With(DashboardPaths.Control(control.Id), ("status", status), ("page", page - 1))}\">Previous</a>"))} {If(page < pages, Html($"<a href=\"{DashboardPaths.With(DashboardPaths.Control(control.Id), ("status", status), ("page", page + 1))}\">Next</a>"))}</p></nav>"""))}
            """));
    }
}
