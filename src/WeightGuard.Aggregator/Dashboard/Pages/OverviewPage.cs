using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Catalog;
using static WeightGuard.Aggregator.Dashboard.Markup;

namespace WeightGuard.Aggregator.Dashboard.Pages;

/// <summary>
/// The fleet overview: hosts per RAND level achieved, compliance per profile, the compliance trend, failing controls
/// ranked by hosts affected and severity, and the hosts themselves (paged), all under the filters in the query string.
/// </summary>
public static class OverviewPage
{
    /// <summary>Hosts per page of the host table.</summary>
    public const int PageSize = 100;

    private static readonly string[] Levels = ["SL0", "SL1", "SL2", "SL3", "SL4", "SL5"];

    /// <summary>Renders the page for <paramref name="filter"/>.</summary>
    public static Markup Render(HttpContext http, Catalog catalog, FleetView fleet, HostFilter filter, string trendProfile,
        IReadOnlyList<CompliancePoint> trend, int page)
    {
        var hosts = fleet.Hosts;
        var reported = hosts.Where(h => h.Latest is not null).ToList();
        var perLevel = Levels.Select(l => (l, reported.Count(h => h.Latest!.Summary.RandLevelAchieved == l))).ToList();
        var perProfile = reported.GroupBy(h => h.Latest!.ProfileId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Profile: g.Key, Hosts: g.Count(), Compliant: g.Count(h => HostState.Of(h) == HostState.Compliant))).ToList();
        var pages = Math.Max(1, (hosts.Count + PageSize - 1) / PageSize);
        page = Math.Clamp(page, 1, pages);

        return Layout.Page(http, "Fleet overview", Html($"""
            <h1>Fleet overview</h1>
            <p class="lead">{hosts.Count} of {fleet.Total} hosts shown; {reported.Count(h => HostState.Of(h) == HostState.Compliant)} compliant, {reported.Count(h => HostState.Of(h) == HostState.Failing)} failing, {hosts.Count - reported.Count} without a report.</p>
            {Filters(catalog, fleet, filter)}
            <section aria-labelledby="levels"><h2 id="levels">Hosts per RAND level achieved</h2>
            {SvgCharts.Bars("Hosts per RAND level achieved", perLevel)}
            <table><caption>Hosts per RAND level (latest report of each host shown)</caption>
            <thead><tr><th scope="col">Level</th><th scope="col">Hosts</th></tr></thead>
            <tbody>{Join(perLevel.Select(p => Html($"<tr><td>{p.l}</td><td>{p.Item2}</td></tr>")))}</tbody></table>
            </section>
            <section aria-labelledby="profiles"><h2 id="profiles">Compliance per profile</h2>
            <table><caption>Hosts judged against each profile in their latest report</caption>
            <thead><tr><th scope="col">Profile</th><th scope="col">Hosts</th><th scope="col">Compliant</th><th scope="col">Share</th></tr></thead>
            <tbody>{Join(perProfile.Select(p => Html($"<tr><td>{p.Profile}</td><td>{p.Hosts}</td><td>{p.Compliant}</td><td>{100.0 * p.Compliant / p.Hosts:0}%</td></tr>")))}</tbody></table>
            </section>
            <section aria-labelledby="trend"><h2 id="trend">Compliance trend: {trendProfile}, last 30 days</h2>
            {SvgCharts.Trend($"Share of hosts compliant with {trendProfile} per day", trend)}
            <p class="hint">Each host's last report of each day; the profile filter chooses the profile (label, level and state filters do not apply here).</p>
            </section>
            <section aria-labelledby="failing"><h2 id="failing">Failing controls</h2>
            {FailingTable(catalog, fleet.Failing)}
            </section>
            <section aria-labelledby="hosts"><h2 id="hosts">Hosts</h2>
            {HostTable(fleet, hosts.Skip((page - 1) * PageSize).Take(PageSize))}
            {Pager(filter, page, pages)}
            </section>
            """));
    }

    private static Markup Filters(Catalog catalog, FleetView fleet, HostFilter filter)
    {
        Markup Select(string name, string label, IEnumerable<string> options, string? selected) => Html($"""
            <div><label for="f-{name}">{label}</label><select id="f-{name}" name="{name}"><option value="">any</option>{Join(options.Select(o =>
                Html($"<option value=\"{o}\"{(o == selected ? Html($" selected") : Empty)}>{o}</option>")))}</select></div>
            """);
        return Html($"""
            <form method="get" action="{DashboardPaths.Root}" class="filters" aria-label="Filters">
            {Select("profile", "Profile", catalog.Profiles.Keys, filter.Profile)}
            {Select("level", "RAND level", Levels, filter.Level)}
            {Select("label", "Label", fleet.AllLabels, filter.Label)}
            {Select("status", "State", HostState.All, filter.State)}
            <div><button type="submit">Apply filters</button> <a href="{DashboardPaths.Root}">Clear</a></div>
            </form>
            """);
    }

    private static Markup FailingTable(Catalog catalog, IReadOnlyList<FailingControl> failing) => failing.Count == 0
        ? Html($"<p>No control fails or errs on the hosts shown.</p>")
        : Html($"""
            <table><caption>Controls failing or erring in the latest reports, most hosts affected first, then most severe</caption>
            <thead><tr><th scope="col">Control</th><th scope="col">Title</th><th scope="col">Severity</th><th scope="col">Hosts failing</th><th scope="col">Hosts erring</th></tr></thead>
            <tbody>{Join(failing.Select(c => Html($"""<tr><td><a href="{DashboardPaths.Control(c.ControlId)}">{c.ControlId}</a></td><td>{(catalog.Controls.TryGetValue(c.ControlId, out var d) ? d.Title : "")}</td><td><span class="sev {c.Severity}">{c.Severity}</span></td><td>{c.Failing}</td><td>{c.Erring}</td></tr>""")))}</tbody></table>
            """);

    private static Markup HostTable(FleetView fleet, IEnumerable<HostRow> hosts) => Html($"""
        <table class="hosts"><caption>Hosts by name with their latest report</caption>
        <thead><tr><th scope="col">Host</th><th scope="col">Labels</th><th scope="col">State</th><th scope="col">Profile</th><th scope="col">RAND level</th><th scope="col">Failed</th><th scope="col">Errors</th><th scope="col">Attestation</th><th scope="col">Last report (UTC)</th></tr></thead>
        <tbody>{Join(hosts.Select(h => Html($"""<tr><td><a href="{DashboardPaths.Host(h.AgentId)}">{h.Hostname}</a></td><td>{string.Join(", ", fleet.LabelsOf(h.AgentId))}</td><td><span class="state {HostState.Of(h)}">{HostState.Of(h)}</span></td><td>{h.Latest?.ProfileId}</td><td>{h.Latest?.Summary.RandLevelAchieved}</td><td>{h.Latest?.Summary.Fail}</td><td>{h.Latest?.Summary.Error}</td><td>{h.Latest?.Attestation}</td><td>{h.Latest?.ReceivedAt:yyyy-MM-dd HH:mm}</td></tr>""")))}</tbody></table>
        """);

    private static Markup Pager(HostFilter f, int page, int pages) => pages == 1 ? Empty : Html($"""
        <nav aria-label="Pages" class="pager"><p>Page {page} of {pages}.
        {If(page > 1, Html($"<a href=\"{DashboardPaths.With(DashboardPaths.Root, ("profile", f.Profile), ("level", f.Level), ("label", f.Label), ("status", f.State), ("page", page - 1))}\">Previous</a>"))}
        {If(page < pages, Html($"<a href=\"{DashboardPaths.With(DashboardPaths.Root, ("profile", f.Profile), ("level", f.Level), ("label", f.Label), ("status", f.State), ("page", page + 1))}\">Next</a>"))}
        </p></nav>
        """);
}
