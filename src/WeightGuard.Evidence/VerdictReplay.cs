using WeightGuard.Core.Catalog;
using WeightGuard.Core.Reports;
using WeightGuard.Reporting;

namespace WeightGuard.Evidence;

/// <summary>
/// Re-derives a report's verdicts from its evidence with the bundled catalogue (waivers and attestations included, each
/// applying only while it was in force), for the host's enrolled name and the labels and instant the document states,
/// and demands that <c>verdicts.json</c> is exactly that.
/// </summary>
internal static class VerdictReplay
{
    /// <summary>Null when <paramref name="file"/> is the re-derivation byte for byte; otherwise the first difference.</summary>
    public static string? Difference(Catalog catalog, Report report, string hostname, VerdictsDocument claimed, byte[] file)
    {
        if (claimed.Profiles.Select(p => p.Profile.Id).FirstOrDefault(p => !catalog.Profiles.ContainsKey(p)) is { } unknown)
            return $"profile '{unknown}' is not in the bundled catalogue";
        var derived = VerdictsDocument.Judge(catalog, report.Evidence, new HostSubject(hostname, claimed.Labels),
            claimed.Profiles.Select(p => p.Profile.Id).ToList(), claimed.JudgedAt);
        if (EvidenceBundleWriter.VerdictsJson(derived).AsSpan().SequenceEqual(file)) return null;

        foreach (var (theirs, mine) in claimed.Profiles.Zip(derived.Profiles))
        {
            var byId = mine.Results.ToDictionary(r => r.ControlId, StringComparer.Ordinal);
            foreach (var result in theirs.Results)
            {
                if (!byId.Remove(result.ControlId, out var d)) return $"{result.ControlId} is not a control of profile '{theirs.Profile.Id}'";
                if (d.Status != result.Status)
                    return $"{result.ControlId} ({theirs.Profile.Id}) is '{Statuses.Name(result.Status)}' here, but the evidence gives '{Statuses.Name(d.Status)}' ({d.Message})";
                if (d.Message != result.Message) return $"{result.ControlId} says \"{result.Message}\", but the evidence gives \"{d.Message}\"";
            }
            if (byId.Count > 0) return $"{byId.Keys.Order(StringComparer.Ordinal).First()} of profile '{theirs.Profile.Id}' has no verdict";
        }
        if (claimed.Rand != derived.Rand) return $"the RAND standing ({claimed.Rand}) is not the re-derivation's ({derived.Rand})";
        if (!claimed.Waivers.SequenceEqual(derived.Waivers) || !claimed.Attestations.SequenceEqual(derived.Attestations))
            return $"the waivers and attestations in force ({string.Join(", ", claimed.Waivers.Concat(claimed.Attestations))}) are not those of the bundled " +
                   $"catalogue at {claimed.JudgedAt:O} ({string.Join(", ", derived.Waivers.Concat(derived.Attestations))})";
        return "differs from the re-derivation of the report's evidence (order, references, remediation or notes)";
    }
}
