using System.Text.Json;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Protocol;
using WeightGuard.Core.Reports;
using WeightGuard.Evidence;

namespace WeightGuard.Aggregator.Judgement;

/// <summary>What a judgement is made with besides the evidence: the catalogue with every waiver and attestation, and the policy.</summary>
/// <param name="Catalog">Controls and profiles with the catalogue's and the stored waivers and attestations (withdrawn ones too, with their times).</param>
/// <param name="Policy">The fleet policy in force.</param>
public sealed record JudgementInputs(Catalog Catalog, FleetPolicy Policy);

/// <summary>One report judged for one host at one instant: the current form, and the form kept with the report.</summary>
/// <param name="Current">For the pages and the API.</param>
/// <param name="AtReceipt">For the report's history and evidence bundles.</param>
/// <param name="Evaluations">The evaluation per profile, for pages that show messages and evidence.</param>
public sealed record JudgedReport(CurrentJudgement Current, ReportJudgement AtReceipt, IReadOnlyDictionary<string, Evaluation> Evaluations);

/// <summary>
/// The fleet's one judgement: a report's evidence against every profile the policy assigns its host (by its enrolled
/// name and labels), with the waivers and attestations in force, and the host's RAND standing. Ingest, re-judging after
/// policy/waiver/attestation/baseline changes, the host page and the evidence export all call <see cref="Judge"/>, so no
/// two pages can disagree. Pure but for what it reads: evidence + catalogue + policy + waivers + attestations + time.
/// </summary>
public sealed class FleetJudge(IAggregatorStore store, Catalog catalog, TimeProvider time, ILogger<FleetJudge> log)
{
    /// <summary>The inputs as they stand now.</summary>
    public async Task<JudgementInputs> InputsAsync(CancellationToken cancel)
    {
        var waivers = (await store.ListWaiversAsync(cancel)).Select(w => w.ToWaiver());
        var attestations = (await store.ListAttestationsAsync(cancel)).Select(a => a.ToAttestation());
        return new JudgementInputs(catalog.WithWaivers([.. catalog.Waivers, .. waivers]).WithAttestations([.. catalog.Attestations, .. attestations]),
            await PolicyAsync(cancel));
    }

    /// <summary>The last policy text loaded and what it loaded to: every page and report reads the policy, which rarely changes.</summary>
    private volatile LoadedPolicy? _loaded;

    /// <summary>The policy in force: the one an admin applied, else <see cref="FleetPolicy.Default"/>.</summary>
    public async Task<FleetPolicy> PolicyAsync(CancellationToken cancel)
    {
        if (await store.GetPolicyAsync(cancel) is not { } stored) return FleetPolicy.Default;
        // Keyed by the stored text itself, so a policy applied through another instance is seen at once.
        if (_loaded is { } loaded && loaded.Text == stored.Text) return loaded.Policy;
        var (policy, errors) = CatalogLoader.LoadPolicy(new CatalogSource("policy", stored.Text), catalog);
        if (policy is not null)
        {
            _loaded = new LoadedPolicy(stored.Text, policy);
            return policy;
        }
        // A catalogue changed under a stored policy (a profile it names is gone): judge with what still holds, and say so.
        log.LogError("The stored fleet policy no longer loads against this catalogue ({Problem}); judging with the default policy", errors[0]);
        return FleetPolicy.Default;
    }

    /// <summary>Judges <paramref name="report"/> from <paramref name="host"/> as of <paramref name="at"/>.</summary>
    public static JudgedReport Judge(JudgementInputs inputs, HostSubject host, Guid reportId, Report report, DateTimeOffset at, bool pcrDrift)
    {
        var (profiles, assigned) = inputs.Policy.ProfilesFor(host);
        var known = profiles.Where(inputs.Catalog.Profiles.ContainsKey).ToList();
        if (known.Count == 0) (known, assigned) = ([inputs.Catalog.Profiles.ContainsKey(FleetPolicy.UnassignedProfile) ? FleetPolicy.UnassignedProfile : inputs.Catalog.Profiles.Keys.First()], false);
        var judged = Evaluator.Judge(inputs.Catalog, known, report.Evidence, host, at);

        var assessments = known.Select(p =>
        {
            var s = judged.Profiles[p].Summary;
            return new ProfileAssessment(p, assigned, s.Pass, s.Fail, s.Error, s.NotApplicable, s.Waived, s.Manual, s.Attested);
        }).ToList();
        var verdicts = known.SelectMany(p => judged.Profiles[p].Results.Select(r => new CurrentVerdict(p, r.ControlId, Kebab(r.Status), Kebab(r.Severity))))
            .ToList();
        var (waivers, attestations) = (judged.Waivers, judged.Attestations);
        // The judgement holds until the first waiver or attestation it relied on lapses.
        var until = waivers.Select(w => (DateTimeOffset?)new DateTimeOffset(w.Expires.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(1))
            .Concat(attestations.Select(a => (DateTimeOffset?)a.Expires))
            .Concat(attestations.Select(a => a.WithdrawnAt)).Concat(waivers.Select(w => w.WithdrawnAt))
            .Where(t => t is not null).Min();
        return new JudgedReport(
            new CurrentJudgement(reportId, judged.Rand, pcrDrift, until, assessments, verdicts),
            new ReportJudgement(at, assessments, judged.Rand, waivers.Select(w => w.Identity).ToList(), attestations.Select(a => a.Id).ToList()),
            judged.Profiles);
    }

    /// <summary>Judges again every host whose judgement lapsed by now (a waiver or attestation it relied on expired).</summary>
    public async Task RefreshDueAsync(CancellationToken cancel)
    {
        var due = await store.HostsToJudgeAsync(time.GetUtcNow(), cancel);
        if (due.Count > 0) await RejudgeAsync(due.Select(d => d.AgentId).ToHashSet(StringComparer.Ordinal), cancel);
    }

    /// <summary>Judges again the latest report of the hosts named (every host when null) under the inputs as they stand now.</summary>
    public async Task RejudgeAsync(IReadOnlySet<string>? agentIds, CancellationToken cancel)
    {
        var inputs = await InputsAsync(cancel);
        var now = time.GetUtcNow();
        foreach (var host in await store.AllHostsAsync(cancel))
        {
            if (host.Latest is not { } latest || agentIds is not null && !agentIds.Contains(host.AgentId)) continue;
            if (await store.GetReportBodyAsync(latest.ReportId, cancel) is not { } body) continue;
            var report = await AsJudgedAsync(body, cancel);
            var drift = await DriftAsync(host.AgentId, body, cancel);
            var judged = Judge(inputs, new HostSubject(host.Hostname, host.Labels), latest.ReportId, report, now, drift);
            await store.SetJudgementAsync(host.AgentId, judged.Current, cancel);
        }
    }

    /// <summary>
    /// A stored report as it is judged: parsed, with the Secure Boot state its quote and event log attest under the
    /// host's enrolled AK, as at ingest (<see cref="AttestedBoot.Judged"/>).
    /// </summary>
    public async Task<Report> AsJudgedAsync(StoredReportBody body, CancellationToken cancel)
    {
        var report = JsonSerializer.Deserialize(body.ReportJson, WeightGuardJsonContext.Default.Report)!;
        var attestation = body.AttestationJson is null ? null : JsonSerializer.Deserialize(body.AttestationJson, ProtocolJsonContext.Default.QuoteAttestation);
        return AttestedBoot.Judged(report, body.ReportJson, attestation, (await store.GetAgentAsync(body.AgentId, cancel))?.AkPublic);
    }

    /// <summary>Whether <paramref name="body"/>'s verified quote differs from the host's PCR baseline (never for the baseline itself).</summary>
    public async Task<bool> DriftAsync(string agentId, StoredReportBody body, CancellationToken cancel) =>
        body.AttestationJson is { } quoted && await store.GetPcrBaselineAsync(agentId, cancel) is { } baseline && baseline.ReportId != body.ReportId
        && PcrDrift.Compare(baseline.AttestationJson, quoted).Any(c => c.Drifted);

    /// <summary>A status or severity as stored: kebab-case.</summary>
    public static string Kebab<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    /// <summary>A policy text and what it loaded to (one reference, so threads never see half of it).</summary>
    private sealed record LoadedPolicy(string Text, FleetPolicy Policy);
}
