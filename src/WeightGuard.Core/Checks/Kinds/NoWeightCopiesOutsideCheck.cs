using WeightGuard.Core.Catalog;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>
/// No weight file lies outside the approved weight paths in the places copies end up (temporary directories, shared
/// memory, home directories, removable media). Each copy found is named. A search cut short by its budget is an error:
/// it cannot vouch that there are none.
/// </summary>
public sealed class NoWeightCopiesOutsideCheck : ICheck
{
    private const int Named = 5;

    /// <inheritdoc />
    public string Kind => "no-weight-copies-outside";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } = [];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.StrayWeights, "strayWeights", out var stray) is { } missing) return missing;
        if (stray.Copies.Count > 0)
            return CheckOutcome.Fail($"{stray.Copies.Count} weight file(s) outside the approved weight paths: {string.Join(", ", stray.Copies.Take(Named).Select(c => c.Path))}{(stray.Copies.Count > Named ? ", …" : "")}",
                stray.Copies.Take(Named).Select((_, i) => EvidencePointer.To("strayWeights", "copies", i)));
        if (stray.Truncated)
            return CheckOutcome.Error($"the search stopped after {stray.EntriesVisited} entries without finding a copy; it cannot vouch there are none", EvidencePointer.To("strayWeights", "truncated"));
        var searched = stray.Searched.Count(r => r.Status == "scanned");
        return CheckOutcome.Pass($"no weight file outside the approved paths in {searched} searched place(s) ({stray.EntriesVisited} entries)", EvidencePointer.To("strayWeights", "searched"));
    }
}
