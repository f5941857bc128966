using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Reports;

namespace WeightGuard.Aggregator.Judgement;

/// <summary>A host's standing against one profile it is judged against.</summary>
/// <param name="Profile">The profile.</param>
/// <param name="Assigned">False when no policy assignment covers the host (judged against the fallback profile).</param>
/// <param name="State">A <see cref="HostState"/>.</param>
/// <param name="Passed">Controls that passed.</param>
/// <param name="Failed">Controls that failed.</param>
/// <param name="Errors">Controls that could not be judged.</param>
/// <param name="NotApplicable">Controls that do not apply.</param>
/// <param name="Waived">Failures covered by a waiver in force: accepted risks, not met controls.</param>
/// <param name="Attested">Manual controls an attestation in force covers.</param>
/// <param name="PendingAttestations">Manual controls no attestation in force covers.</param>
public sealed record AssessmentView(string Profile, bool Assigned, string State, int Passed, int Failed, int Errors, int NotApplicable, int Waived,
    int Attested, int PendingAttestations);

/// <summary>The report a host's current judgement is of.</summary>
/// <param name="ReportId">The report.</param>
/// <param name="ReceivedAt">When it was accepted.</param>
/// <param name="Attestation"><c>verified</c> or <c>absent</c>.</param>
/// <param name="ScannedProfile">The profile the agent scanned with (what it printed locally; not what it is judged against).</param>
public sealed record LatestReportView(Guid ReportId, DateTimeOffset ReceivedAt, string Attestation, string ScannedProfile);

/// <summary>One host as every page and the API show it.</summary>
/// <param name="AgentId">The agent's id.</param>
/// <param name="Name">The enrolled name: the host's identity.</param>
/// <param name="ReportedName">The name its latest report gave, or null before the first.</param>
/// <param name="NameMismatch">Its latest report names another host than the one enrolled.</param>
/// <param name="DuplicateName">Another enrolled, unrevoked host has the same name.</param>
/// <param name="Labels">Its labels.</param>
/// <param name="State">Its worst <see cref="HostState"/> over the profiles it is judged against.</param>
/// <param name="Unassigned">No policy assignment covers it: it is judged against <see cref="FleetPolicy.UnassignedProfile"/>.</param>
/// <param name="EnrolledAt">When it enrolled.</param>
/// <param name="RevokedAt">When it was revoked, or null.</param>
/// <param name="HasTpm">It enrolled with a TPM.</param>
/// <param name="EkCertified">Its EK certificate chained to a manufacturer CA.</param>
/// <param name="PcrDrift">Its latest verified quote differs from its PCR baseline.</param>
/// <param name="LatestReport">Its latest accepted report, or null.</param>
/// <param name="LastRefusal">Its last refused submission, or null.</param>
/// <param name="Assessments">One per profile it is judged against.</param>
/// <param name="Rand">Its RAND standing, or null before its first report.</param>
public sealed record HostView(string AgentId, string Name, string? ReportedName, bool NameMismatch, bool DuplicateName, IReadOnlyList<string> Labels,
    string State, bool Unassigned, DateTimeOffset EnrolledAt, DateTimeOffset? RevokedAt, bool HasTpm, bool EkCertified, bool PcrDrift,
    LatestReportView? LatestReport, Refusal? LastRefusal, IReadOnlyList<AssessmentView> Assessments, RandStanding? Rand)
{
    /// <summary>The assessment against <paramref name="profile"/>, or null when the host is not judged against it.</summary>
    public AssessmentView? For(string profile) => Assessments.FirstOrDefault(a => a.Profile == profile);
}

/// <summary>
/// Reads the current judgement of the fleet for pages and the API, computing each host's state (staleness depends on the
/// time of reading) the same way everywhere. Judgements that lapsed (a waiver or attestation expired) are made again
/// first, so no page shows a verdict that no longer holds.
/// </summary>
public sealed class FleetStatus(IAggregatorStore store, FleetJudge judge, TimeProvider time)
{
    /// <summary>
    /// The policy in force and the instant states are computed at, once the judgements that lapsed are made again: what
    /// a page reads counts and hosts with.
    /// </summary>
    public async Task<(FleetPolicy Policy, DateTimeOffset Now)> CurrentAsync(CancellationToken cancel)
    {
        await judge.RefreshDueAsync(cancel);
        return (await judge.PolicyAsync(cancel), time.GetUtcNow());
    }

    /// <summary>Views of <paramref name="hosts"/> at <paramref name="now"/>.</summary>
    public async Task<IReadOnlyList<HostView>> ViewsAsync(IReadOnlyList<HostRow> hosts, FleetPolicy policy, DateTimeOffset now, CancellationToken cancel)
    {
        var duplicates = await store.DuplicateNamesAsync(cancel);
        return hosts.Select(h => View(h, policy, now, duplicates)).ToList();
    }

    /// <summary>One page of hosts whose name contains <paramref name="query"/>'s search, and how many match.</summary>
    public async Task<(int Total, IReadOnlyList<HostView> Hosts)> PageAsync(HostQuery query, CancellationToken cancel)
    {
        var (policy, now) = await CurrentAsync(cancel);
        var page = await store.ListHostsAsync(query, cancel);
        return (page.Total, await ViewsAsync(page.Hosts, policy, now, cancel));
    }

    /// <summary>One host with its current verdicts, history and refusals, or null.</summary>
    public async Task<(HostView Host, HostDetail Detail)?> HostAsync(string agentId, int historyLimit, CancellationToken cancel)
    {
        await judge.RefreshDueAsync(cancel);
        if (await store.GetHostAsync(agentId, historyLimit, cancel) is not { } detail) return null;
        var policy = await judge.PolicyAsync(cancel);
        return (View(detail.Host, policy, time.GetUtcNow(), await store.DuplicateNamesAsync(cancel)), detail);
    }

    /// <summary>The view of <paramref name="host"/> at <paramref name="now"/>.</summary>
    public static HostView View(HostRow host, FleetPolicy policy, DateTimeOffset now, IReadOnlySet<string> duplicateNames)
    {
        var assessments = host.Assessments.Select(a => new AssessmentView(a.Profile, a.Assigned, HostState.Of(host, a, policy, now), a.Passed, a.Failed,
            a.Errors, a.NotApplicable, a.Waived, a.Attested, a.Manual)).ToList();
        return new HostView(host.AgentId, host.Hostname, host.Latest?.ReportedName,
            host.Latest is { } l && !string.Equals(l.ReportedName, host.Hostname, StringComparison.OrdinalIgnoreCase),
            host.RevokedAt is null && duplicateNames.Contains(host.Hostname.ToLowerInvariant()), host.Labels, HostState.Of(host, null, policy, now),
            assessments.Count > 0 && assessments.All(a => !a.Assigned) || assessments.Count == 0 && !policy.ProfilesFor(new HostSubject(host.Hostname, host.Labels)).Assigned,
            host.EnrolledAt, host.RevokedAt, host.HasTpm, host.EkCertified, host.PcrDrift,
            host.Latest is { } r ? new LatestReportView(r.ReportId, r.ReceivedAt, r.Attestation, r.ProfileId) : null, host.LastRefusal, assessments, host.Rand);
    }
}
