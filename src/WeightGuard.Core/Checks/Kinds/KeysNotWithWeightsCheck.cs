using WeightGuard.Core.Catalog;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>No private key or key file is stored inside or next to a weight path.</summary>
public sealed class KeysNotWithWeightsCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "keys-not-with-weights";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } = [];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Keys, "keys", out var keys) is { } missing) return missing;
        var near = keys.Files.Select((k, i) => (k, i)).Where(x => x.k.Location is "under-weights" or "beside-weights").ToList();
        if (keys.Errors.Count > 0 && near.Count == 0)
            return CheckOutcome.Error($"{keys.Errors.Count} path(s) could not be searched for keys, first {keys.Errors[0].Path}: {keys.Errors[0].Reason}", EvidencePointer.To("keys", "errors"));
        return near.Count == 0
            ? CheckOutcome.Pass("no key material is stored with the weights", EvidencePointer.To("keys", "files"))
            : CheckOutcome.Fail($"{near.Count} key file(s) stored with the weights: {string.Join(", ", near.Take(5).Select(x => $"{x.k.Path} ({x.k.Kind})"))}",
                near.Select(x => EvidencePointer.To("keys", "files", x.i)));
    }
}
