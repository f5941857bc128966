using WeightGuard.Aggregator.Judgement;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Reports;

namespace WeightGuard.Aggregator.Alerts;

/// <summary>
/// Watches hosts change: after each ingest (accepted or refused) and at each sweep it computes a host's state as every
/// page does (<see cref="FleetStatus.View"/>), compares it with what it saw last (<see cref="HostAlertState"/>), lets
/// <see cref="AlertRules"/> decide the alerts, stores them with the new state in one compare-and-set write (so that of two
/// instances seeing the same change only one raises it) and hands them to the <see cref="AlertDispatcher"/>.
/// </summary>
public sealed class HostAlerts(IAggregatorStore store, FleetJudge judge, AlertDispatcher dispatcher, AlertSettings settings, TimeProvider time,
    ILogger<HostAlerts> log)
{
    /// <summary>Most stray weight paths remembered per host (a report names every copy it found; the alert names the new ones).</summary>
    public const int MaxStrayPaths = 1000;
    private const int WriteAttempts = 3;
    private static readonly string Version = typeof(HostAlerts).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>
    /// Looks at one host after a submission from it was accepted (<paramref name="report"/>: the report, whose stray
    /// weight evidence is compared) or refused (null). Never fails the ingest: a problem is logged and the next sweep
    /// looks again.
    /// </summary>
    public async Task AfterSubmissionAsync(string agentId, Report? report, CancellationToken cancel)
    {
        try
        {
            var policy = await judge.PolicyAsync(cancel);
            if (await store.GetHostAsync(agentId, 0, cancel) is not { } detail) return;
            var failing = detail.Verdicts.Where(v => v.Status is "fail" or "error").ToList();
            await ObserveAsync(detail.Host, await store.GetAlertStateAsync(agentId, cancel), StrayPaths(report), policy, () => Task.FromResult<IReadOnlyList<CurrentVerdict>>(failing), cancel);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancel.IsCancellationRequested)
        {
            // The report is stored whatever happens here; answering the agent with an error would only make it send again.
            log.LogError(e, "Alerts for agent {AgentId} could not be raised after its submission; the next sweep looks again", agentId);
        }
    }

    /// <summary>
    /// Looks at every host: what time alone changes (stale, a waiver that lapsed) and whatever another path changed
    /// (policy, labels, revocation). Also forgets alerts older than the retention.
    /// </summary>
    public async Task SweepAsync(CancellationToken cancel)
    {
        await judge.RefreshDueAsync(cancel);
        var policy = await judge.PolicyAsync(cancel);
        var seen = (await store.ListAlertStatesAsync(cancel)).ToDictionary(s => s.AgentId, StringComparer.Ordinal);
        ILookup<string, CurrentVerdict>? failing = null;
        async Task<IReadOnlyList<CurrentVerdict>> FailingOf(string agentId)
        {
            failing ??= (await store.FailingVerdictsAsync(cancel)).ToLookup(v => v.AgentId, v => new CurrentVerdict(v.Profile, v.ControlId, v.Status, v.Severity));
            return failing[agentId].ToList();
        }
        foreach (var host in await store.AllHostsAsync(cancel))
            await ObserveAsync(host, seen.GetValueOrDefault(host.AgentId), null, policy, () => FailingOf(host.AgentId), cancel);
        await store.PruneAlertsAsync(time.GetUtcNow() - settings.Retention, cancel);
    }

    private async Task ObserveAsync(HostRow host, HostAlertState? stored, IReadOnlyList<string>? strayPaths, FleetPolicy policy,
        Func<Task<IReadOnlyList<CurrentVerdict>>> failing, CancellationToken cancel)
    {
        for (var attempt = 1; attempt <= WriteAttempts; attempt++)
        {
            var now = time.GetUtcNow();
            var view = FleetStatus.View(host, policy, now, new HashSet<string>());
            var before = stored ?? AlertRules.Unseen(host.AgentId, now);
            var after = new HostAlertState(host.AgentId, before.Version + 1, view.State,
                view.Assessments.ToDictionary(a => a.Profile, a => a.State, StringComparer.Ordinal), view.PcrDrift, view.LastRefusal?.At,
                strayPaths ?? before.StrayPaths, now);
            if (after.SameAs(before)) return;
            var drafts = AlertRules.Between(before, after, new HostFacts(view, after.State == HostState.Failing ? await failing() : [], policy.StaleAfter));
            var events = drafts.Select(d => Event(d, view, before, after, now)).ToList();
            var alerts = events.Select(e => new StoredAlert(e.Id, e.Time, host.AgentId, host.Hostname, e.Type, e.Severity.Name(), e.State.From, e.State.To,
                System.Text.Encoding.UTF8.GetString(e.ToJson()))).ToList();
            if (await store.RecordAlertsAsync(after, stored?.Version, alerts, a => dispatcher.SinksFor(AlertSeverities.Parse(a.Severity)!.Value), cancel))
            {
                foreach (var e in events)
                {
                    log.LogInformation("Alert {EventId}: {Type} ({Severity}) for host {Host}, {From} -> {To}", e.Id, e.Type, e.Severity.Name(), e.Host.Name,
                        e.State.From, e.State.To);
                    dispatcher.Enqueue(e);
                }
                return;
            }
            // Another instance (or a concurrent submission) wrote first: look again from what it wrote.
            stored = await store.GetAlertStateAsync(host.AgentId, cancel);
        }
        log.LogWarning("Alerts for host {Host}: the state kept changing under {Attempts} attempts; the next sweep looks again", host.Hostname, WriteAttempts);
    }

    private AlertEvent Event(AlertDraft draft, HostView host, HostAlertState before, HostAlertState after, DateTimeOffset now) => new(
        Guid.NewGuid(), draft.Type, draft.Severity, now, new AlertHost(host.Name, host.AgentId, host.Labels), new StateChange(before.State, after.State),
        before.Profiles.Keys.Union(after.Profiles.Keys).Order(StringComparer.Ordinal)
            .Select(p => new ProfileStateChange(p, before.Profiles.GetValueOrDefault(p), after.Profiles.GetValueOrDefault(p))).ToList(),
        draft.Reasons, new AlertSource(settings.Instance, Version));

    /// <summary>The stray weight paths a report found, or null when it did not look (the last ones stand).</summary>
    private static IReadOnlyList<string>? StrayPaths(Report? report) =>
        report?.Evidence.StrayWeights?.Copies.Select(c => c.Path).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(MaxStrayPaths).ToList();
}
