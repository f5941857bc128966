using System.Globalization;
using System.Text;
using WeightGuard.Aggregator.Judgement;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Catalog;
using WeightGuard.Reporting;

namespace WeightGuard.Aggregator.Dashboard;

/// <summary>
/// Which hosts the dashboard shows and in what order; a null field admits any host. With a profile, states and counts
/// are those against that profile; without, a host's worst state and its counts over every profile it is judged against.
/// </summary>
/// <param name="Profile">Hosts judged against this profile.</param>
/// <param name="Level">Hosts whose RAND host controls met this level (<c>SL0</c>…<c>SL5</c>).</param>
/// <param name="Label">Hosts carrying this label.</param>
/// <param name="State">Hosts in this <see cref="HostState"/>.</param>
/// <param name="Search">Hosts whose enrolled name contains this (any case).</param>
/// <param name="Sort">The host table's column: <c>name</c>, <c>state</c>, <c>rand</c>, <c>attested</c>, <c>failed</c>, <c>errors</c> or <c>last</c>.</param>
/// <param name="Descending">Reverse order.</param>
public sealed record FleetFilter(string? Profile = null, string? Level = null, string? Label = null, string? State = null, string? Search = null,
    string? Sort = null, bool Descending = false)
{
    /// <summary>The host table's sortable columns.</summary>
    public static IReadOnlyList<string> Columns { get; } = ["name", "state", "rand", "attested", "failed", "errors", "last"];

    /// <summary>The filter as query parameters, for links that keep it.</summary>
    public (string Name, object? Value)[] Query(params (string Name, object? Value)[] more) =>
        [("profile", Profile), ("level", Level), ("label", Label), ("status", State), ("search", Search), ("sort", Sort), ("dir", Descending ? "desc" : null), .. more];
}

/// <summary>
/// The fleet as the overview shows it: counts over the hosts the filter admits (read from the current judgements, never
/// by judging or loading every host), one page of those hosts in order, and what to fix first.
/// </summary>
public sealed class FleetView
{
    private FleetView(FleetQuery query, FleetCounts counts, IReadOnlyList<HostView> hosts, IReadOnlyList<FailingControl> failing, int unassigned, int page,
        int pages)
    {
        Query = query;
        Counts = counts;
        Hosts = hosts;
        Failing = failing;
        Unassigned = unassigned;
        Page = page;
        Pages = pages;
    }

    /// <summary>The store query the filter became (at the time the view was read).</summary>
    public FleetQuery Query { get; }
    /// <summary>The counts over the hosts the filter admits, and the fleet's size.</summary>
    public FleetCounts Counts { get; }
    /// <summary>The page of hosts the filter admits, in the order asked.</summary>
    public IReadOnlyList<HostView> Hosts { get; }
    /// <summary>Controls failing on the hosts shown: most severe first, then most hosts affected.</summary>
    public IReadOnlyList<FailingControl> Failing { get; }
    /// <summary>Hosts shown that no policy assignment covers (judged against the fallback profile).</summary>
    public int Unassigned { get; }
    /// <summary>This page's number, from 1.</summary>
    public int Page { get; }
    /// <summary>Pages of hosts the filter admits (at least 1).</summary>
    public int Pages { get; }

    /// <summary>Every distinct label in the fleet.</summary>
    public IReadOnlyList<string> AllLabels => Counts.Labels;

    /// <summary>Every profile some host is judged against.</summary>
    public IReadOnlyList<string> JudgedProfiles => Counts.JudgedProfiles;

    /// <summary>The state shown for <paramref name="host"/> under <paramref name="filter"/>.</summary>
    public static string StateOf(HostView host, FleetFilter filter) => filter.Profile is { } p ? host.For(p)?.State ?? host.State : host.State;

    /// <summary>The failed-control count shown for <paramref name="host"/> under <paramref name="filter"/>.</summary>
    public static int FailedOf(HostView host, FleetFilter filter) => Counted(host, filter).Sum(a => a.Failed);

    /// <summary>The erred-control count shown for <paramref name="host"/> under <paramref name="filter"/>.</summary>
    public static int ErrorsOf(HostView host, FleetFilter filter) => Counted(host, filter).Sum(a => a.Errors);

    private static IEnumerable<AssessmentView> Counted(HostView host, FleetFilter filter) =>
        filter.Profile is { } p ? host.Assessments.Where(a => a.Profile == p) : host.Assessments;

    /// <summary>The filter in <paramref name="request"/>'s query; empty values mean any.</summary>
    public static FleetFilter FilterFrom(HttpRequest request)
    {
        string? Get(string name) => request.Query[name].ToString() is { Length: > 0 and <= 200 } v ? v : null;
        return new FleetFilter(Get("profile"), Get("level"), Get("label"), Get("status"), Get("search"),
            Get("sort") is { } s && FleetFilter.Columns.Contains(s) ? s : null, Get("dir") == "desc");
    }

    /// <summary>
    /// Reads the counts over the hosts <paramref name="filter"/> admits and page <paramref name="page"/> of them,
    /// <paramref name="pageSize"/> hosts a page (the page number is clamped to the pages there are).
    /// </summary>
    public static async Task<FleetView> LoadAsync(FleetStatus status, IAggregatorStore store, FleetFilter filter, int page, int pageSize,
        CancellationToken cancel)
    {
        var (policy, now) = await status.CurrentAsync(cancel);
        var query = new FleetQuery(now, policy.StaleAfter, filter.Profile, filter.Level, filter.Label, filter.State, filter.Search);
        var counts = await store.FleetCountsAsync(query, cancel);
        var pages = Math.Max(1, (int)((counts.Shown + (long)pageSize - 1) / pageSize));
        page = Math.Clamp(page, 1, pages);
        var rows = await store.FleetHostsAsync(query, new FleetOrder(filter.Sort, filter.Descending), (int)Math.Min(int.MaxValue, (page - 1L) * pageSize),
            pageSize, cancel);
        var failing = counts.Failing
            .OrderBy(c => HostState.SeverityRank(c.Severity)).ThenByDescending(c => c.Failing + c.Erring).ThenBy(c => c.ControlId, StringComparer.Ordinal)
            .ToList();
        var unassigned = counts.UnassignedReported + counts.Unreported.Count(h => !policy.ProfilesFor(new HostSubject(h.Hostname, h.Labels)).Assigned);
        return new FleetView(query, counts, await status.ViewsAsync(rows, policy, now, cancel), failing, unassigned, page, pages);
    }

    /// <summary>The hosts shown as CSV: one row per host and profile it is judged against (one row for a host without a report).</summary>
    public string ToCsv()
    {
        var text = new StringBuilder();
        CsvReportWriter.Row(text, ["host", "agent_id", "labels", "state", "profile", "assigned", "profile_state", "failed", "errors", "waived", "attested",
            "pending_attestations", "rand_host_controls_met", "rand_attested", "rand_pending_attestations", "last_report_utc", "attestation", "name_mismatch",
            "pcr_drift"]);
        foreach (var h in Hosts)
            foreach (var a in h.Assessments.Count == 0 ? [null] : h.Assessments.Cast<AssessmentView?>())
                CsvReportWriter.Row(text, [h.Name, h.AgentId, string.Join(" ", h.Labels), h.State, a?.Profile ?? "", a is null ? "" : a.Assigned ? "yes" : "no",
                    a?.State ?? "", N(a?.Failed), N(a?.Errors), N(a?.Waived), N(a?.Attested), N(a?.PendingAttestations), h.Rand?.HostControlsMet ?? "",
                    h.Rand?.Attested ?? "", N(h.Rand?.PendingAttestations),
                    h.LatestReport?.ReceivedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "", h.LatestReport?.Attestation ?? "",
                    h.NameMismatch ? "yes" : "no", h.PcrDrift ? "yes" : "no"]);
        return text.ToString();
    }

    private static string N(int? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "";
}
