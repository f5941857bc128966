using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Dashboard;

/// <summary>The overview's filters, from the query string: profile, RAND level, label and host state; empty means any.</summary>
/// <param name="Profile">Hosts whose latest report was judged against this profile.</param>
/// <param name="Level">Hosts whose latest report achieved this RAND level (<c>SL0</c>…<c>SL5</c>).</param>
/// <param name="Label">Hosts carrying this label.</param>
/// <param name="Status">Hosts in this <see cref="HostState"/>.</param>
public sealed record FleetFilter(string? Profile, string? Level, string? Label, string? Status)
{
    /// <summary>The filter in <paramref name="request"/>'s query.</summary>
    public static FleetFilter From(HttpRequest request)
    {
        string? Get(string name) => request.Query[name].ToString() is { Length: > 0 and <= 200 } v ? v : null;
        return new FleetFilter(Get("profile"), Get("level"), Get("label"), Get("status"));
    }

    /// <summary>True when <paramref name="host"/> passes every filter.</summary>
    public bool Admits(HostRow host, IReadOnlyList<string> labels) =>
        (Profile is null || host.Latest?.ProfileId == Profile) &&
        (Level is null || host.Latest?.Summary.RandLevelAchieved == Level) &&
        (Label is null || labels.Contains(Label, StringComparer.Ordinal)) &&
        (Status is null || HostState.Of(host) == Status);
}

/// <summary>One control's failures across the hosts shown.</summary>
/// <param name="ControlId">The control.</param>
/// <param name="Severity">Its severity.</param>
/// <param name="Failing">Hosts where it failed.</param>
/// <param name="Erring">Hosts where it could not be judged.</param>
public sealed record FailingControl(string ControlId, string Severity, int Failing, int Erring);

/// <summary>The fleet as the overview shows it: the filtered hosts, their labels, and the failing controls ranked.</summary>
public sealed class FleetView
{
    private FleetView(IReadOnlyList<HostRow> hosts, int total, IReadOnlyDictionary<string, IReadOnlyList<string>> labels,
        IReadOnlyList<FailingControl> failing)
    {
        Hosts = hosts;
        Total = total;
        Labels = labels;
        Failing = failing;
    }

    /// <summary>The hosts the filter admits, by host name.</summary>
    public IReadOnlyList<HostRow> Hosts { get; }
    /// <summary>Every enrolled host.</summary>
    public int Total { get; }
    /// <summary>Labels by agent id.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Labels { get; }
    /// <summary>Controls failing on the hosts shown: most hosts affected first, then most severe.</summary>
    public IReadOnlyList<FailingControl> Failing { get; }

    /// <summary>Every distinct label in the fleet.</summary>
    public IReadOnlyList<string> AllLabels => Labels.Values.SelectMany(l => l).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>The labels of one host.</summary>
    public IReadOnlyList<string> LabelsOf(string agentId) => Labels.TryGetValue(agentId, out var l) ? l : [];

    /// <summary>Reads the fleet and applies <paramref name="filter"/>.</summary>
    public static async Task<FleetView> LoadAsync(IAggregatorStore store, FleetFilter filter, CancellationToken cancel)
    {
        var all = await store.ListHostsAsync(cancel);
        var labels = await store.HostLabelsAsync(cancel);
        var hosts = all.Where(h => filter.Admits(h, labels.TryGetValue(h.AgentId, out var l) ? l : [])).ToList();
        var shown = hosts.Select(h => h.AgentId).ToHashSet(StringComparer.Ordinal);
        var failing = (await store.FailingVerdictsAsync(cancel)).Where(v => shown.Contains(v.AgentId))
            .GroupBy(v => v.ControlId, StringComparer.Ordinal)
            .Select(g => new FailingControl(g.Key, g.First().Severity, g.Count(v => v.Status == "fail"), g.Count(v => v.Status == "error")))
            .OrderByDescending(c => c.Failing + c.Erring).ThenBy(c => HostState.SeverityRank(c.Severity)).ThenBy(c => c.ControlId, StringComparer.Ordinal)
            .ToList();
        return new FleetView(hosts, all.Count, labels, failing);
    }
}
