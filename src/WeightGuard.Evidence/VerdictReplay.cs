using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Reports;
using WeightGuard.Reporting;

namespace WeightGuard.Evidence;

/// <summary>
/// Re-derives a report's verdicts from its evidence with the bundled catalogue, <c>now</c> being the report's
/// <c>finishedAt</c> (so waivers judge as they did), and demands that <c>verdicts.json</c> is exactly that.
/// </summary>
internal static class VerdictReplay
{
    /// <summary>Null when <paramref name="file"/> is the re-evaluation byte for byte; otherwise the first difference.</summary>
    public static string? Difference(Catalog catalog, Report report, VerdictsDocument claimed, byte[] file)
    {
        if (!catalog.Profiles.ContainsKey(claimed.Profile)) return $"profile '{claimed.Profile}' is not in the bundled catalogue";
        var evaluation = Evaluator.Evaluate(catalog, claimed.Profile, report.Evidence, report.FinishedAt);
        if (EvidenceBundleWriter.VerdictsJson(claimed.Profile, evaluation).AsSpan().SequenceEqual(file)) return null;

        var mine = evaluation.Results.ToDictionary(r => r.ControlId, StringComparer.Ordinal);
        foreach (var theirs in claimed.Results)
        {
            if (!mine.Remove(theirs.ControlId, out var derived)) return $"{theirs.ControlId} is not a control of profile '{claimed.Profile}'";
            if (derived.Status != theirs.Status)
                return $"{theirs.ControlId} is '{Statuses.Name(theirs.Status)}' here, but the evidence gives '{Statuses.Name(derived.Status)}' ({derived.Message})";
            if (derived.Message != theirs.Message) return $"{theirs.ControlId} says \"{theirs.Message}\", but the evidence gives \"{derived.Message}\"";
        }
        if (mine.Count > 0) return $"{mine.Keys.Order(StringComparer.Ordinal).First()} of profile '{claimed.Profile}' has no verdict";
        if (claimed.Summary != evaluation.Summary)
            return $"the summary ({claimed.Summary.Rand}, {claimed.Summary.Fail} fail) is not the re-evaluation's ({evaluation.Summary.Rand}, {evaluation.Summary.Fail} fail)";
        return "differs from the re-evaluation of the report's evidence (order, references, remediation or waiver notes)";
    }
}
