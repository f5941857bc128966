using System.Globalization;
using System.Text;
using WeightGuard.Aggregator.Judgement;
using WeightGuard.Aggregator.Storage;
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

/// <summary>One control failing or erring on the hosts shown.</summary>
/// <param name="ControlId">The control.</param>
/// <param name="Severity">Its severity.</param>
/// <param name="Failing">Hosts where it fails (under any profile shown).</param>
/// <param name="Erring">Hosts where it could not be judged.</param>
public sealed record FailingControl(string ControlId, string Severity, int Failing, int Erring);

/// <summary>The fleet as the overview shows it: every host judged now, the hosts the filter admits in order, and what to fix first.</summary>
public sealed class FleetView
{
    private FleetView(Fleet fleet, IReadOnlyList<HostView> hosts, IReadOnlyList<FailingControl> failing)
    {
        Fleet = fleet;
        Hosts = hosts;
        Failing = failing;
    }

    /// <summary>Every host.</summary>
    public Fleet Fleet { get; }
    /// <summary>The hosts the filter admits, in the order asked.</summary>
    public IReadOnlyList<HostView> Hosts { get; }
    /// <summary>Controls failing on the hosts shown: most severe first, then most hosts affected.</summary>
    public IReadOnlyList<FailingControl> Failing { get; }

    /// <summary>Every distinct label in the fleet.</summary>
    public IReadOnlyList<string> AllLabels => Fleet.Hosts.SelectMany(h => h.Labels).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>Every profile some host is judged against.</summary>
    public IReadOnlyList<string> JudgedProfiles => Fleet.Hosts.SelectMany(h => h.Assessments).Select(a => a.Profile).Distinct(StringComparer.Ordinal)
        .Order(StringComparer.Ordinal).ToList();

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

    /// <summary>Reads the fleet as judged now and keeps what <paramref name="filter"/> admits.</summary>
    public static async Task<FleetView> LoadAsync(FleetStatus status, IAggregatorStore store, FleetFilter filter, CancellationToken cancel)
    {
        var fleet = await status.LoadAsync(cancel);
        var hosts = fleet.Hosts.Where(h =>
            (filter.Profile is null || h.For(filter.Profile) is not null) &&
            (filter.Level is null || h.Rand?.HostControlsMet == filter.Level) &&
            (filter.Label is null || h.Labels.Contains(filter.Label, StringComparer.Ordinal)) &&
            (filter.State is null || StateOf(h, filter) == filter.State) &&
            (filter.Search is null || h.Name.Contains(filter.Search, StringComparison.OrdinalIgnoreCase))).ToList();
        var shown = hosts.Select(h => h.AgentId).ToHashSet(StringComparer.Ordinal);
        var failing = (await store.FailingVerdictsAsync(cancel))
            .Where(v => shown.Contains(v.AgentId) && (filter.Profile is null || v.Profile == filter.Profile))
            .GroupBy(v => v.ControlId, StringComparer.Ordinal)
            .Select(g => new FailingControl(g.Key, g.First().Severity,
                g.Where(v => v.Status == "fail").Select(v => v.AgentId).Distinct(StringComparer.Ordinal).Count(),
                g.Where(v => v.Status == "error").Select(v => v.AgentId).Distinct(StringComparer.Ordinal).Count()))
            .OrderBy(c => HostState.SeverityRank(c.Severity)).ThenByDescending(c => c.Failing + c.Erring).ThenBy(c => c.ControlId, StringComparer.Ordinal)
            .ToList();
        return new FleetView(fleet, Sorted(hosts, filter), failing);
    }

    private static List<HostView> Sorted(List<HostView> hosts, FleetFilter filter)
    {
        IOrderedEnumerable<HostView> ordered = filter.Sort switch
        {
            "state" => hosts.OrderBy(h => HostState.All.ToList().IndexOf(StateOf(h, filter))),
            "rand" => hosts.OrderByDescending(h => h.Rand?.HostControlsMet ?? ""),
            "attested" => hosts.OrderByDescending(h => h.Rand?.Attested ?? ""),
            "failed" => hosts.OrderByDescending(h => FailedOf(h, filter)),
            "errors" => hosts.OrderByDescending(h => ErrorsOf(h, filter)),
            "last" => hosts.OrderByDescending(h => h.LatestReport?.ReceivedAt ?? DateTimeOffset.MinValue),
            _ => hosts.OrderBy(h => h.Name, StringComparer.OrdinalIgnoreCase),
        };
        var list = ordered.ThenBy(h => h.Name, StringComparer.OrdinalIgnoreCase).ThenBy(h => h.AgentId, StringComparer.Ordinal).ToList();
        if (filter.Descending) list.Reverse();
        return list;
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
