using WeightGuard.Aggregator.Judgement;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Catalog;
using static WeightGuard.Aggregator.Dashboard.Markup;

namespace WeightGuard.Aggregator.Dashboard.Pages;

/// <summary>
/// The fleet overview: hosts per RAND level (host controls met, and attested), each assigned profile's hosts per state,
/// hosts whose PCRs drifted, the compliance trend of every profile (small multiples), what to fix first (failing controls
/// by severity, then hosts affected), and the hosts themselves (sortable, searchable, paged, downloadable as CSV), all
/// under the filters in the query string, which the page states (also when printed).
/// </summary>
public static class OverviewPage
{
    /// <summary>Hosts per page of the host table.</summary>
    public const int PageSize = 100;

    private static readonly string[] Levels = ["SL0", "SL1", "SL2", "SL3", "SL4", "SL5"];

    /// <summary>Renders the page for <paramref name="filter"/>.</summary>
    public static Markup Render(HttpContext http, Catalog catalog, FleetView fleet, FleetFilter filter, IReadOnlyList<ProfileTrend> trends,
        (DateOnly From, DateOnly To) window)
    {
        var counts = fleet.Counts;
        var perLevel = Levels.Select(l => (Level: l, Met: counts.HostControlsMet.GetValueOrDefault(l), Attested: counts.Attested.GetValueOrDefault(l))).ToList();
        var perProfile = counts.Profiles;
        var (page, pages) = (fleet.Page, fleet.Pages);
        var states = HostState.All.Select(s => (State: s, Hosts: counts.States.GetValueOrDefault(s))).Where(s => s.Hosts > 0).ToList();
        // Drift is named for the page's hosts; every drifted host is untrusted, which the state filter lists in full.
        var drifted = fleet.Hosts.Where(h => h.PcrDrift && h.RevokedAt is null).ToList();

        return Layout.Page(http, "Fleet overview", Html($"""
            <h1>Fleet overview</h1>
            <p class="lead">{counts.Shown} of {counts.Total} hosts shown: {string.Join(", ", states.Select(s => $"{s.Hosts} {s.State}"))}.
            Hosts are judged against the profiles the <a href="{DashboardPaths.Policy}">fleet policy</a> assigns them{If(fleet.Unassigned > 0, Html($"; {fleet.Unassigned} no assignment covers are judged against {FleetPolicy.UnassignedProfile} and marked unassigned"))}.</p>
            <p class="applied">{Applied(filter)}</p>
            {If(drifted.Count > 0, Html($"""<p class="warning" role="note"><strong>PCR drift:</strong> the boot chain of {Join(drifted.Select((h, i) => Html($"{(i > 0 ? ", " : "")}<a href=\"{DashboardPaths.Host(h.AgentId)}#pcr\">{h.Name}</a>")))} changed since its baseline (firmware, boot loader or Secure Boot policy); each is untrusted until an admin confirms a new baseline (<a href="{DashboardPaths.With(DashboardPaths.Root, (filter with { State = HostState.Untrusted }).Query())}">every untrusted host</a>).</p>"""))}
            {Filters(catalog, fleet, filter)}
            <section aria-labelledby="levels"><h2 id="levels">Hosts per RAND level</h2>
            {SvgCharts.Bars("Hosts per RAND level whose host controls are met", perLevel.Select(p => (p.Level, p.Met)).ToList())}
            <table><caption>RAND level per host: host controls met (automated controls pass at every level up to it) and attested (manual controls up to it also attested by people; no waivers)</caption>
            <thead><tr><th scope="col">Level</th><th scope="col">Host controls met</th><th scope="col">Attested</th></tr></thead>
            <tbody>{Join(perLevel.Select(p => Html($"<tr><td>{p.Level}</td><td>{p.Met}</td><td>{p.Attested}</td></tr>")))}</tbody></table>
            </section>
            <section aria-labelledby="profiles"><h2 id="profiles">Compliance per assigned profile</h2>
            <table><caption>Hosts judged against each profile, by state</caption>
            <thead><tr><th scope="col">Profile</th><th scope="col">Hosts</th>{Join(HostState.All.Select(s => Html($"<th scope=\"col\">{s}</th>")))}</tr></thead>
            <tbody>{Join(perProfile.Select(g => Html($"""<tr><td><a href="{DashboardPaths.With(DashboardPaths.Root, (filter with { Profile = g.Profile }).Query())}">{g.Profile}</a></td><td>{g.Hosts}</td>{Join(HostState.All.Select(s => Html($"<td>{g.States.GetValueOrDefault(s)}</td>")))}</tr>""")))}</tbody></table>
            </section>
            <section aria-labelledby="trend"><h2 id="trend">Compliance trend per profile, {window.From:yyyy-MM-dd} to {window.To:yyyy-MM-dd}</h2>
            <p class="hint">Share of the hosts shown that were compliant, from each host's last report of each day as judged when it arrived; a day without reports is a gap.</p>
            {(trends.Count == 0 ? Html($"<p>No host shown is judged against a profile yet.</p>") : Html($"""<div class="multiples">{Join(trends.Select(t => Trend(t, window)))}</div>"""))}
            </section>
            <section aria-labelledby="failing"><h2 id="failing">Fix first</h2>
            {FailingTable(catalog, fleet.Failing)}
            </section>
            <section aria-labelledby="hosts"><h2 id="hosts">Hosts</h2>
            <p><a href="{DashboardPaths.With(DashboardPaths.HostsCsv, filter.Query())}">Download these hosts as CSV</a></p>
            {HostTable(fleet.Hosts, filter)}
            {Pager(filter, page, pages)}
            </section>
            """));
    }

    /// <summary>The filters in force in words, so a printed or shared overview says which hosts it covers.</summary>
    public static string Applied(FleetFilter filter)
    {
        var parts = new (string Name, string? Value)[]
        {
            ("host name contains", filter.Search), ("assigned profile", filter.Profile), ("RAND host controls met", filter.Level), ("label", filter.Label),
            ("state", filter.State),
        }.Where(p => p.Value is not null).Select(p => $"{p.Name} {p.Value}").ToList();
        return parts.Count == 0 ? "Filters: none (every host)." : $"Filters: {string.Join("; ", parts)}.";
    }

    private static Markup Trend(ProfileTrend trend, (DateOnly From, DateOnly To) window)
    {
        var last = trend.Points.Count > 0 ? trend.Points[^1] : null;
        return Html($"""
            <figure class="trend"><figcaption><strong>{trend.Profile}</strong>: {(last is null ? "no reports in this period" : $"{last.Compliant} of {last.Hosts} compliant on {last.Day:yyyy-MM-dd}; reports on {trend.Points.Count} of the last {window.To.DayNumber - window.From.DayNumber + 1} days")}</figcaption>
            {SvgCharts.Trend($"Share of the hosts shown compliant with {trend.Profile} per day", trend.Points, window.From, window.To)}
            {If(trend.Points.Count > 0, Html($"""
                <details><summary>Numbers</summary><table><caption>{trend.Profile}: hosts compliant per day</caption><thead><tr><th scope="col">Day (UTC)</th><th scope="col">Hosts</th><th scope="col">Compliant</th></tr></thead>
                <tbody>{Join(trend.Points.Select(p => Html($"<tr><td>{p.Day:yyyy-MM-dd}</td><td>{p.Hosts}</td><td>{p.Compliant}</td></tr>")))}</tbody></table></details>
                """))}
            </figure>
            """);
    }

    private static Markup Filters(Catalog catalog, FleetView fleet, FleetFilter filter)
    {
        Markup Select(string name, string label, IEnumerable<string> options, string? selected) => Html($"""
            <div><label for="f-{name}">{label}</label><select id="f-{name}" name="{name}"><option value="">any</option>{Join(options.Select(o =>
                Html($"<option value=\"{o}\"{(o == selected ? Html($" selected") : Empty)}>{o}</option>")))}</select></div>
            """);
        return Html($"""
            <form method="get" action="{DashboardPaths.Root}" class="filters" aria-label="Filters">
            <div><label for="f-search">Host name</label><input id="f-search" name="search" value="{filter.Search}" maxlength="200"></div>
            {Select("profile", "Assigned profile", fleet.JudgedProfiles.Union(catalog.Profiles.Keys).Order(StringComparer.Ordinal), filter.Profile)}
            {Select("level", "RAND host controls met", Levels, filter.Level)}
            {Select("label", "Label", fleet.AllLabels, filter.Label)}
            {Select("status", "State", HostState.All, filter.State)}
            <div><button type="submit">Apply filters</button> <a href="{DashboardPaths.Root}">Clear</a></div>
            </form>
            """);
    }

    private static Markup FailingTable(Catalog catalog, IReadOnlyList<FailingControl> failing) => failing.Count == 0
        ? Html($"<p>No control fails or errs on the hosts shown.</p>")
        : Html($"""
            <table><caption>Controls failing or erring on the hosts shown under their assigned profiles: most severe first, then most hosts affected</caption>
            <thead><tr><th scope="col">Control</th><th scope="col">Title</th><th scope="col">Severity</th><th scope="col">Hosts failing</th><th scope="col">Hosts erring</th></tr></thead>
            <tbody>{Join(failing.Select(c => Html($"""<tr><td><a href="{DashboardPaths.Control(c.ControlId)}">{c.ControlId}</a></td><td>{(catalog.Controls.TryGetValue(c.ControlId, out var d) ? d.Title : "")}</td><td><span class="sev {c.Severity}">{c.Severity}</span></td><td>{c.Failing}</td><td>{c.Erring}</td></tr>""")))}</tbody></table>
            """);

    private static Markup HostTable(IEnumerable<HostView> hosts, FleetFilter filter)
    {
        Markup Head(string column, string label) => Html($"""<th scope="col"><a href="{DashboardPaths.With(DashboardPaths.Root, (filter with { Sort = column, Descending = filter.Sort == column && !filter.Descending }).Query())}">{label}</a>{(filter.Sort == column || filter.Sort is null && column == "name" ? filter.Descending ? " ▼" : " ▲" : "")}</th>""");
        return Html($"""
            <table class="hosts"><caption>Hosts{(filter.Profile is { } p ? $" judged against {p}" : "")}; click a heading to sort</caption>
            <thead><tr>{Head("name", "Host")}<th scope="col">Labels</th>{Head("state", "State")}<th scope="col">Profiles</th>{Head("rand", "RAND host controls met")}{Head("attested", "Attested")}{Head("failed", "Failed")}{Head("errors", "Errors")}<th scope="col">Attestation</th>{Head("last", "Last report (UTC)")}</tr></thead>
            <tbody>{Join(hosts.Select(h => Html($"""<tr><td><a href="{DashboardPaths.Host(h.AgentId)}">{h.Name}</a>{Flags(h)}</td><td>{string.Join(", ", h.Labels)}</td><td><span class="state {FleetView.StateOf(h, filter)}">{FleetView.StateOf(h, filter)}</span></td><td>{string.Join(", ", h.Assessments.Select(a => a.Profile))}{(h.Unassigned ? " (unassigned)" : "")}</td><td>{h.Rand?.HostControlsMet}</td><td>{h.Rand?.Attested}{(h.Rand is { PendingAttestations: > 0 } r ? $" ({r.PendingAttestations} pending)" : "")}</td><td>{FleetView.FailedOf(h, filter)}</td><td>{FleetView.ErrorsOf(h, filter)}</td><td>{h.LatestReport?.Attestation}</td><td>{h.LatestReport?.ReceivedAt:yyyy-MM-dd HH:mm}</td></tr>""")))}</tbody></table>
            """);
    }

    /// <summary>Warnings beside a host's name: its reports name another host, or another host enrolled with its name.</summary>
    public static Markup Flags(HostView h) => Html($"""{If(h.NameMismatch, Html($" <span class=\"flag\">name mismatch: reports say {h.ReportedName}</span>"))}{If(h.DuplicateName, Html($" <span class=\"flag\">duplicate name</span>"))}{If(h.PcrDrift, Html($" <span class=\"flag\">PCR drift</span>"))}""");

    private static Markup Pager(FleetFilter f, int page, int pages) => pages == 1 ? Empty : Html($"""
        <nav aria-label="Pages" class="pager"><p>Page {page} of {pages}.
        {If(page > 1, Html($"<a href=\"{DashboardPaths.With(DashboardPaths.Root, f.Query(("page", page - 1)))}\">Previous</a>"))}
        {If(page < pages, Html($"<a href=\"{DashboardPaths.With(DashboardPaths.Root, f.Query(("page", page + 1)))}\">Next</a>"))}
        </p></nav>
        """);
}
