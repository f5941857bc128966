using WeightGuard.Core.Catalog;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>Every weight path could be walked completely, so the other weight controls judge a complete inventory.</summary>
public sealed class WeightsInventoriedCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "weights-inventoried";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } =
    [
        new("require-weights", ParamType.Boolean, ParamValue.Of("false"), "Fail when no weight file is found (for hosts known to hold weights)."),
    ];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Weights, "weights", out var weights) is { } missing) return missing;
        var unreadable = weights.Roots.Select((r, i) => (r, i)).Where(x => x.r.Status == "unreadable").ToList();
        if (unreadable.Count > 0)
            return CheckOutcome.Error($"weight path {unreadable[0].r.Path} could not be read: {unreadable[0].r.Reason}",
                unreadable.Select(x => EvidencePointer.To("weights", "roots", x.i)));
        if (weights.Errors.Count > 0)
            return CheckOutcome.Error($"{weights.Errors.Count} entries under the weight paths could not be read, first {weights.Errors[0].Path}: {weights.Errors[0].Reason}",
                EvidencePointer.To("weights", "errors"));
        if (weights.Truncated)
            return CheckOutcome.Error($"the walk stopped after {weights.EntriesVisited} entries; the inventory is incomplete", EvidencePointer.To("weights", "truncated"));
        var scanned = weights.Roots.Count(r => r.Status == "scanned");
        if (weights.Files.Count == 0 && context.Boolean("require-weights"))
            return CheckOutcome.Fail($"no weight files found under {weights.Roots.Count} weight path(s)", EvidencePointer.To("weights", "roots"));
        return CheckOutcome.Pass($"{weights.Files.Count} weight file(s) in {scanned} of {weights.Roots.Count} weight path(s); {weights.EntriesVisited} entries walked",
            EvidencePointer.To("weights", "files"));
    }
}
