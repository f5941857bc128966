using WeightGuard.Core.Catalog;
using static WeightGuard.Aggregator.Dashboard.Markup;

namespace WeightGuard.Aggregator.Dashboard.Pages;

/// <summary>The waivers the aggregator judges with (admin): which control, which hosts, who approved, until when.</summary>
public static class WaiversPage
{
    /// <summary>Renders the catalogue's waivers, expired ones marked.</summary>
    public static Markup Render(HttpContext http, Catalog catalog, DateTimeOffset now) => Layout.Page(http, "Waivers", Html($"""
        <h1>Waivers</h1>
        <p>The waivers in the catalogue this aggregator judges with (<code>serve --catalog DIR</code>, file <code>waivers/*.yaml</code>). A waived
        failure does not block a RAND level; an expired waiver is ignored.</p>
        <table><caption>{catalog.Waivers.Count} waiver(s)</caption>
        <thead><tr><th scope="col">Control</th><th scope="col">Hosts</th><th scope="col">Justification</th><th scope="col">Approver</th><th scope="col">Last valid day</th></tr></thead>
        <tbody>{Join(catalog.Waivers.Select(w => Html($"<tr><td><a href=\"{DashboardPaths.Control(w.ControlId)}\">{w.ControlId}</a></td><td><code>{w.HostPattern}</code></td><td>{w.Justification}</td><td>{w.Approver}</td><td>{w.Expires:yyyy-MM-dd}{(w.IsExpired(now) ? " (expired)" : "")}</td></tr>")))}</tbody></table>
        """));
}
