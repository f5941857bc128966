using System.Text;
using System.Text.Json;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Checks;
using WeightGuard.Core.Reports;

namespace WeightGuard.Core.Evaluation;

/// <summary>The results and summary of judging one host's evidence against a profile.</summary>
/// <param name="Results">One per control, ordered by control id.</param>
/// <param name="Summary">Counts and the host's RAND standing.</param>
public sealed record Evaluation(IReadOnlyList<ControlResult> Results, Summary Summary);

/// <summary>One host's evidence judged against several profiles at once, with its one RAND standing.</summary>
/// <param name="Profiles">The evaluation per profile id, in the order asked.</param>
/// <param name="Rand">Where the host stands on the RAND ladder.</param>
/// <param name="Waivers">The waivers in force for this host at the instant judged (whether or not a control needed them).</param>
/// <param name="Attestations">The manual attestations in force for this host at the instant judged.</param>
public sealed record HostJudgement(IReadOnlyDictionary<string, Evaluation> Profiles, RandStanding Rand, IReadOnlyList<Waiver> Waivers,
    IReadOnlyList<ManualAttestation> Attestations);

/// <summary>
/// Judges evidence against profiles. Pure and deterministic: the same evidence, catalogue (controls, profiles, waivers,
/// manual attestations), host and instant give the same results byte for byte, which lets the aggregator and an auditor
/// re-derive every verdict.
/// </summary>
public static class Evaluator
{
    /// <summary>The ladder's profiles, lowest level first.</summary>
    public static IReadOnlyList<string> RandLadder { get; } = ["rand-sl1", "rand-sl2", "rand-sl3", "rand-sl4", "rand-sl5"];

    /// <summary>Evaluates <paramref name="evidence"/> of a host known by the name it reports (a local scan) against <paramref name="profileId"/>.</summary>
    /// <exception cref="KeyNotFoundException">No profile has that id.</exception>
    public static Evaluation Evaluate(Catalog.Catalog catalog, string profileId, Evidence.Evidence evidence, DateTimeOffset now) =>
        Evaluate(catalog, profileId, evidence, HostSubject.Named(evidence.Host.Hostname), now);

    /// <summary>Evaluates <paramref name="evidence"/> from <paramref name="host"/> against <paramref name="profileId"/> as of <paramref name="now"/>.</summary>
    /// <exception cref="KeyNotFoundException">No profile has that id.</exception>
    public static Evaluation Evaluate(Catalog.Catalog catalog, string profileId, Evidence.Evidence evidence, HostSubject host, DateTimeOffset now) =>
        Judge(catalog, [profileId], evidence, host, now).Profiles[profileId];

    /// <summary>
    /// Evaluates <paramref name="evidence"/> against every profile in <paramref name="profileIds"/> and places the host on
    /// the RAND ladder. Waivers and attestations apply when they cover <paramref name="host"/> and were in force at
    /// <paramref name="now"/>. A control judged with the same parameters is judged once.
    /// </summary>
    /// <exception cref="KeyNotFoundException">A profile is unknown.</exception>
    public static HostJudgement Judge(Catalog.Catalog catalog, IReadOnlyList<string> profileIds, Evidence.Evidence evidence, HostSubject host,
        DateTimeOffset now)
    {
        var json = new Lazy<JsonElement>(() => JsonSerializer.SerializeToElement(evidence, WeightGuardJsonContext.Default.Evidence));
        var judged = new Dictionary<string, ControlResult>(StringComparer.Ordinal);
        IReadOnlyList<ControlResult> Results(string profileId)
        {
            var profile = catalog.Resolve(profileId);
            return profile.Controls.OrderBy(c => c.Id, StringComparer.Ordinal).Select(c =>
            {
                var parameters = profile.Params[c.Id];
                var key = CacheKey(c.Id, parameters);
                if (!judged.TryGetValue(key, out var result))
                    judged[key] = result = JudgeControl(c, parameters, evidence, json, catalog, host, now);
                return result;
            }).ToList();
        }

        var rand = Ladder(catalog, Results);
        var profiles = new Dictionary<string, Evaluation>(StringComparer.Ordinal);
        foreach (var id in profileIds.Distinct(StringComparer.Ordinal))
        {
            var results = Results(id);
            profiles[id] = new Evaluation(results, Summarise(results, rand));
        }
        return new HostJudgement(profiles, rand,
            catalog.Waivers.Where(w => w.Existed(now) && !w.IsExpired(now) && w.Matches(host)).ToList(),
            catalog.Attestations.Where(a => a.InForce(now) && a.Hosts.Matches(host)).ToList());
    }

    private static string CacheKey(string controlId, IReadOnlyDictionary<string, ParamValue> parameters)
    {
        var key = new StringBuilder(controlId);
        foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            key.Append('\0').Append(name).Append('\0');
            if (value.Scalar is { } s) key.Append('s').Append(s);
            else key.Append('l').AppendJoin('\u0001', value.AsList());
        }
        return key.ToString();
    }

    private static ControlResult JudgeControl(ControlDefinition control, IReadOnlyDictionary<string, ParamValue> parameters,
        Evidence.Evidence evidence, Lazy<JsonElement> json, Catalog.Catalog catalog, HostSubject host, DateTimeOffset now)
    {
        var outcome = !control.Platforms.Contains(evidence.Host.Platform)
            ? CheckOutcome.NotApplicable($"Applies to {string.Join(" and ", control.Platforms)} only; this host runs {evidence.Host.Platform}.")
            : Run(CheckRegistry.ByKind[control.Check.Kind], new CheckContext(evidence, parameters, json));

        var status = outcome.Status;
        WaiverNote? waiver = null;
        AttestationNote? attestation = null;
        if (status == ControlStatus.Fail)
        {
            var matching = catalog.Waivers.Where(w => w.ControlId == control.Id && w.Existed(now) && w.Matches(host)).ToList();
            var valid = matching.Where(w => !w.IsExpired(now)).OrderByDescending(w => w.Expires).FirstOrDefault();
            var expired = matching.Where(w => w.IsExpired(now)).OrderByDescending(w => w.Expires).FirstOrDefault();
            if (valid is not null)
            {
                status = ControlStatus.Waived;
                waiver = new WaiverNote(valid.Approver, valid.Justification, valid.Expires, Expired: false);
            }
            else if (expired is not null)
            {
                waiver = new WaiverNote(expired.Approver, expired.Justification, expired.Expires, Expired: true);
            }
        }
        else if (status == ControlStatus.Manual
                 && catalog.Attestations.Where(a => a.ControlId == control.Id && a.InForce(now) && a.Hosts.Matches(host))
                     .OrderByDescending(a => a.Expires).ThenBy(a => a.Id, StringComparer.Ordinal).FirstOrDefault() is { } a)
        {
            status = ControlStatus.Attested;
            attestation = new AttestationNote(a.Id, a.Attestor, a.Statement, a.EvidenceRef, a.RecordedAt, a.Expires);
        }
        var message = waiver is { Expired: true }
            ? $"{outcome.Message} (waiver approved by {waiver.Approver} expired on {waiver.Expires:yyyy-MM-dd} and was ignored)"
            : attestation is not null ? $"attested by {attestation.Attestor} until {attestation.Expires:yyyy-MM-dd HH:mm}Z: {attestation.Statement}"
            : outcome.Message;
        return new ControlResult
        {
            ControlId = control.Id,
            Title = control.Title,
            Revision = control.Revision,
            Status = status,
            Severity = control.Severity,
            Message = message,
            Evidence = outcome.Evidence,
            References = control.References,
            // a fix is for what failed; a control that could not be checked gets the steps that let it be checked instead
            Remediation = status is ControlStatus.Fail or ControlStatus.Waived or ControlStatus.Manual
                ? (evidence.Host.Platform == "windows" ? control.Remediation.Windows : null) ?? control.Remediation.Linux
                : null,
            Guidance = status == ControlStatus.Error ? control.Guidance : null,
            Waiver = waiver,
            Attestation = attestation,
        };
    }

    /// <summary>A check that throws is a bug in WeightGuard, not a verdict on the host: report it as an error result.</summary>
    private static CheckOutcome Run(ICheck check, CheckContext context)
    {
        try
        {
            return check.Evaluate(context);
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException or ArgumentException)
        {
            return CheckOutcome.Error($"WeightGuard's '{check.Kind}' check could not judge the evidence it collected ({e.Message}); this is a fault in WeightGuard, please report it");
        }
    }

    /// <summary>
    /// Climbs the ladder: a level's host controls are met when each of its automated controls (with that level's
    /// parameters) passes or does not apply; it is attested when its manual controls are attested too. A catalogue
    /// without a level's profile cannot claim that level or any above.
    /// </summary>
    private static RandStanding Ladder(Catalog.Catalog catalog, Func<string, IReadOnlyList<ControlResult>> results)
    {
        var levels = new List<IReadOnlyList<ControlResult>>();
        foreach (var profileId in RandLadder)
        {
            if (!catalog.Profiles.ContainsKey(profileId)) break;
            var level = results(profileId);
            if (!level.All(r => r.Status is ControlStatus.Pass or ControlStatus.NotApplicable or ControlStatus.Manual or ControlStatus.Attested)) break;
            levels.Add(level);
        }
        var attested = levels.TakeWhile(level => level.All(r => r.Status != ControlStatus.Manual)).Count();
        var pending = levels.Count == 0 ? 0 : levels[^1].Count(r => r.Status == ControlStatus.Manual);
        return new RandStanding(RandLevels.Format(levels.Count), RandLevels.Format(attested), pending);
    }

    private static Summary Summarise(IReadOnlyList<ControlResult> results, RandStanding rand)
    {
        int Count(ControlStatus s) => results.Count(r => r.Status == s);
        return new Summary
        {
            Pass = Count(ControlStatus.Pass), Fail = Count(ControlStatus.Fail), Error = Count(ControlStatus.Error),
            NotApplicable = Count(ControlStatus.NotApplicable), Waived = Count(ControlStatus.Waived), Manual = Count(ControlStatus.Manual),
            Attested = Count(ControlStatus.Attested), Rand = rand,
        };
    }
}
