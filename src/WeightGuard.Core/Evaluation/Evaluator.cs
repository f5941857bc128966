using System.Text.Json;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Checks;
using WeightGuard.Core.Reports;

namespace WeightGuard.Core.Evaluation;

/// <summary>The results and summary of judging one host's evidence against a profile.</summary>
/// <param name="Results">One per control, ordered by control id.</param>
/// <param name="Summary">Counts and RAND level achieved.</param>
public sealed record Evaluation(IReadOnlyList<ControlResult> Results, Summary Summary);

/// <summary>
/// Judges evidence against a profile. Pure and deterministic: the same evidence, catalogue and day give the same results
/// byte for byte, which lets the aggregator and an auditor re-derive every verdict.
/// </summary>
public static class Evaluator
{
    /// <summary>Evaluates <paramref name="evidence"/> against <paramref name="profileId"/>, applying the catalogue's waivers as of <paramref name="now"/>.</summary>
    public static Evaluation Evaluate(Catalog.Catalog catalog, string profileId, Evidence.Evidence evidence, DateTimeOffset now)
    {
        var profile = catalog.Resolve(profileId);
        var json = new Lazy<JsonElement>(() => JsonSerializer.SerializeToElement(evidence, WeightGuardJsonContext.Default.Evidence));
        var results = profile.Controls
            .OrderBy(c => c.Id, StringComparer.Ordinal)
            .Select(c => Judge(c, profile.Params[c.Id], evidence, json, catalog.Waivers, now))
            .ToList();
        return new Evaluation(results, Summarise(catalog, results));
    }

    private static ControlResult Judge(ControlDefinition control, IReadOnlyDictionary<string, ParamValue> parameters,
        Evidence.Evidence evidence, Lazy<JsonElement> json, IReadOnlyList<Waiver> waivers, DateTimeOffset now)
    {
        var outcome = !control.Platforms.Contains(evidence.Host.Platform)
            ? CheckOutcome.NotApplicable($"applies to {string.Join(", ", control.Platforms)}, not {evidence.Host.Platform}")
            : Run(CheckRegistry.ByKind[control.Check.Kind], new CheckContext(evidence, parameters, json));

        var status = outcome.Status;
        WaiverNote? note = null;
        if (status == ControlStatus.Fail)
        {
            var matching = waivers.Where(w => w.ControlId == control.Id && w.Matches(evidence.Host.Hostname)).ToList();
            var valid = matching.Where(w => !w.IsExpired(now)).OrderByDescending(w => w.Expires).FirstOrDefault();
            var expired = matching.Where(w => w.IsExpired(now)).OrderByDescending(w => w.Expires).FirstOrDefault();
            if (valid is not null)
            {
                status = ControlStatus.Waived;
                note = new WaiverNote(valid.Approver, valid.Justification, valid.Expires, Expired: false);
            }
            else if (expired is not null)
            {
                note = new WaiverNote(expired.Approver, expired.Justification, expired.Expires, Expired: true);
            }
        }
        var message = note is { Expired: true }
            ? $"{outcome.Message} (waiver approved by {note.Approver} expired on {note.Expires:yyyy-MM-dd} and was ignored)"
            : outcome.Message;
        return new ControlResult
        {
            ControlId = control.Id,
            Title = control.Title,
            Status = status,
            Severity = control.Severity,
            Message = message,
            Evidence = outcome.Evidence,
            References = control.References,
            Remediation = status is ControlStatus.Fail or ControlStatus.Waived or ControlStatus.Error or ControlStatus.Manual
                ? (evidence.Host.Platform == "windows" ? control.Remediation.Windows : null) ?? control.Remediation.Linux
                : null,
            Waiver = note,
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
            return CheckOutcome.Error($"check '{check.Kind}' could not judge the evidence: {e.Message}");
        }
    }

    private static Summary Summarise(Catalog.Catalog catalog, IReadOnlyList<ControlResult> results)
    {
        var byId = results.ToDictionary(r => r.ControlId, StringComparer.Ordinal);
        var achieved = 0;
        for (var level = 1; level <= 5; level++)
        {
            // A level that no control of the catalogue evidences cannot be claimed.
            if (!catalog.Controls.Values.Any(c => c.RandLevel == level)) break;
            var required = catalog.Controls.Values.Where(c => c.RandLevel <= level).Select(c => c.Id).ToList();
            var met = required.All(id => byId.TryGetValue(id, out var r) && r.Status is not (ControlStatus.Fail or ControlStatus.Error));
            if (!met) break;
            achieved = level;
        }
        int Count(ControlStatus s) => results.Count(r => r.Status == s);
        return new Summary
        {
            Pass = Count(ControlStatus.Pass), Fail = Count(ControlStatus.Fail), Error = Count(ControlStatus.Error),
            NotApplicable = Count(ControlStatus.NotApplicable), Waived = Count(ControlStatus.Waived), Manual = Count(ControlStatus.Manual),
            RandLevelAchieved = RandLevels.Format(achieved),
        };
    }
}
