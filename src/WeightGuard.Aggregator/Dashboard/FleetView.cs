using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Dashboard;

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

    /// <summary>The filter in <paramref name="request"/>'s query: <c>profile</c>, <c>level</c>, <c>label</c>, <c>status</c>; empty means any.</summary>
    public static HostFilter FilterFrom(HttpRequest request)
    {
        string? Get(string name) => request.Query[name].ToString() is { Length: > 0 and <= 200 } v ? v : null;
        return new HostFilter(Get("profile"), Get("level"), Get("label"), Get("status"));
    }

    /// <summary>Reads the part of the fleet <paramref name="filter"/> admits (the store filters and counts).</summary>
    public static async Task<FleetView> LoadAsync(IAggregatorStore store, HostFilter filter, CancellationToken cancel)
    {
        var hosts = await store.FindHostsAsync(filter, cancel);
        var failing = (await store.FailingControlsAsync(filter, cancel))
            .OrderByDescending(c => c.Failing + c.Erring).ThenBy(c => HostState.SeverityRank(c.Severity)).ThenBy(c => c.ControlId, StringComparer.Ordinal)
            .ToList();
        return new FleetView(hosts, await store.CountHostsAsync(cancel), await store.HostLabelsAsync(cancel), failing);
    }
}
