using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Dashboard;

/// <summary>The compliance trend of one profile over the hosts the overview shows.</summary>
/// <param name="Profile">The profile.</param>
/// <param name="Points">One per day on which a host shown reported against it, oldest first.</param>
public sealed record ProfileTrend(string Profile, IReadOnlyList<CompliancePoint> Points);

/// <summary>
/// The overview's trends: one per profile the hosts shown are judged against (only the filter's profile when it names one),
/// each counting only the hosts the filters admit, from each host's last report of each day as judged when it arrived.
/// </summary>
public static class ComplianceTrend
{
    /// <summary>The trends of <paramref name="fleet"/>'s hosts shown since <paramref name="since"/>, by profile.</summary>
    public static async Task<IReadOnlyList<ProfileTrend>> LoadAsync(IAggregatorStore store, FleetView fleet, FleetFilter filter, DateTimeOffset since,
        CancellationToken cancel)
    {
        var profiles = filter.Profile is { } only ? [only] : fleet.Counts.Profiles.Select(p => p.Profile).Order(StringComparer.Ordinal).ToList();
        // With every host shown the store's per-day sums are the same numbers, without a row per host and day; otherwise
        // every host the filter admits (not only the page shown) is counted.
        var everyHost = filter with { Profile = null, Sort = null, Descending = false } == new FleetFilter();
        var shown = everyHost ? new HashSet<string>()
            : (await store.FleetHostIdsAsync(fleet.Query, cancel)).ToHashSet(StringComparer.Ordinal);
        var trends = new List<ProfileTrend>(profiles.Count);
        foreach (var profile in profiles)
            trends.Add(new ProfileTrend(profile, everyHost
                ? await store.ComplianceOverTimeAsync(profile, since, cancel)
                : Points(await store.DailyAssessmentsAsync(profile, since, cancel), shown)));
        return trends;
    }

    /// <summary>Per day, the hosts in <paramref name="shown"/> that reported and how many were compliant, oldest first.</summary>
    public static IReadOnlyList<CompliancePoint> Points(IEnumerable<DailyAssessment> days, IReadOnlySet<string> shown) => days
        .Where(d => shown.Contains(d.AgentId))
        .GroupBy(d => d.Day).OrderBy(g => g.Key)
        .Select(g => new CompliancePoint(g.Key, g.Count(), g.Count(d => d.Compliant),
            g.GroupBy(d => d.HostControlsMet, StringComparer.Ordinal).ToDictionary(l => l.Key, l => l.Count(), StringComparer.Ordinal)))
        .ToList();
}
