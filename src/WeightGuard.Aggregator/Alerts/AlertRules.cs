using System.Globalization;
using WeightGuard.Aggregator.Judgement;
using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Alerts;

/// <summary>An alert decided but not yet raised: its type, severity and reasons.</summary>
/// <param name="Type">One of <see cref="AlertTypes"/>.</param>
/// <param name="Severity">How urgent.</param>
/// <param name="Reasons">Why, in words.</param>
public sealed record AlertDraft(string Type, AlertSeverity Severity, IReadOnlyList<string> Reasons);

/// <summary>What the rules may cite about a host now, beyond its state.</summary>
/// <param name="Host">The host as pages show it.</param>
/// <param name="Failing">Its current failed and erred verdicts.</param>
/// <param name="StaleAfter">The policy's staleness limit.</param>
public sealed record HostFacts(HostView Host, IReadOnlyList<CurrentVerdict> Failing, TimeSpan StaleAfter);

/// <summary>
/// The one place that decides which alerts a change of a host raises, from what the watch saw before and what holds
/// now. A refused attestation and PCR drift are raised as such (and stand for the move to untrusted they cause); any
/// other change of the host's own state is raised as <see cref="AlertTypes.StateChanged"/>; weight files outside the
/// approved places that the previous report did not show are raised on their own, whatever the state did.
/// </summary>
public static class AlertRules
{
    /// <summary>Most reasons an alert lists; the rest are counted.</summary>
    public const int MaxReasons = 20;

    /// <summary>What the watch holds for a host it has not looked at: enrolled, nothing reported.</summary>
    public static HostAlertState Unseen(string agentId, DateTimeOffset at) =>
        new(agentId, 0, HostState.NoReport, new Dictionary<string, string>(), false, null, [], at);

    /// <summary>The alerts the change from <paramref name="before"/> to <paramref name="after"/> raises, most urgent first.</summary>
    public static IReadOnlyList<AlertDraft> Between(HostAlertState before, HostAlertState after, HostFacts facts)
    {
        var drafts = new List<AlertDraft>();
        if (after.LastRefusalAt is { } refused && (before.LastRefusalAt is not { } earlier || refused > earlier) && facts.Host.LastRefusal is { } refusal)
            drafts.Add(new AlertDraft(AlertTypes.AttestationRefused, AlertSeverity.Critical, [$"the {refusal.Check} check failed: {refusal.Detail}"]));
        if (after.PcrDrift && !before.PcrDrift)
            drafts.Add(new AlertDraft(AlertTypes.PcrDrifted, AlertSeverity.Critical,
                ["the PCR values of the latest verified quote differ from the host's baseline: firmware, boot loader or Secure Boot policy changed"]));
        var explained = drafts.Count > 0 && after.State == HostState.Untrusted;
        if (after.State != before.State && !explained)
            drafts.Add(new AlertDraft(AlertTypes.StateChanged, SeverityOf(after.State), StateReasons(after.State, facts)));
        var stray = after.StrayPaths.Except(before.StrayPaths, StringComparer.Ordinal).ToList();
        if (stray.Count > 0)
            drafts.Add(new AlertDraft(AlertTypes.StrayWeightsFound, AlertSeverity.Error,
                Capped(stray.Select(p => $"weight file outside the approved weight paths: {p}").ToList())));
        return drafts;
    }

    /// <summary>True when nothing the watch keeps differs (the version and time aside).</summary>
    public static bool SameAs(this HostAlertState a, HostAlertState b) =>
        a.State == b.State && a.PcrDrift == b.PcrDrift && a.LastRefusalAt == b.LastRefusalAt && a.StrayPaths.SequenceEqual(b.StrayPaths, StringComparer.Ordinal)
        && a.Profiles.Count == b.Profiles.Count && a.Profiles.All(p => b.Profiles.TryGetValue(p.Key, out var s) && s == p.Value);

    /// <summary>How urgent a move to <paramref name="state"/> is.</summary>
    public static AlertSeverity SeverityOf(string state) => state switch
    {
        HostState.Untrusted => AlertSeverity.Critical,
        HostState.Failing => AlertSeverity.Error,
        HostState.Stale => AlertSeverity.Warning,
        _ => AlertSeverity.Info,
    };

    private static IReadOnlyList<string> StateReasons(string state, HostFacts facts) => state switch
    {
        HostState.Failing => Capped(facts.Failing
            .OrderBy(v => v.Status == "fail" ? 0 : 1).ThenBy(v => HostState.SeverityRank(v.Severity)).ThenBy(v => v.ControlId, StringComparer.Ordinal).ThenBy(v => v.Profile, StringComparer.Ordinal)
            .Select(v => $"{v.ControlId} {(v.Status == "fail" ? "failed" : "could not be checked")} ({v.Severity}, {v.Profile})").ToList()),
        HostState.Stale => [facts.Host.LatestReport is { } latest
            ? string.Create(CultureInfo.InvariantCulture, $"no report accepted since {latest.ReceivedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z; the policy allows {facts.StaleAfter}")
            : "no report accepted"],
        HostState.Untrusted => [facts.Host.PcrDrift ? "the verified PCRs differ from the host's baseline"
            : facts.Host.LastRefusal is { } refusal ? $"the last submission was refused: the {refusal.Check} check failed: {refusal.Detail}" : "untrusted"],
        HostState.Revoked => ["the host's certificate was revoked"],
        HostState.Compliant => ["every control passes, does not apply or is waived"],
        _ => [],
    };

    private static IReadOnlyList<string> Capped(IReadOnlyList<string> reasons) =>
        reasons.Count <= MaxReasons ? reasons : [.. reasons.Take(MaxReasons), $"and {reasons.Count - MaxReasons} more"];
}
