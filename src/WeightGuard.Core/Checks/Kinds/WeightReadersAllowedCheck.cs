using WeightGuard.Core.Catalog;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>The accounts that can read weights are few and, where an allow-list is set, all on it.</summary>
public sealed class WeightReadersAllowedCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "weight-readers-allowed";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } =
    [
        new("allowed-readers", ParamType.StringList, ParamValue.Of([]), "Accounts allowed to read weights; empty means any, subject to max-readers."),
        new("max-readers", ParamType.Integer, ParamValue.Of("5"), "Most distinct accounts (root not counted) that may read any weight file."),
    ];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Access, "access", out var access) is { } missing) return missing;
        if (access.Files.Count == 0) return CheckOutcome.NotApplicable("no weight files on this host");
        var allowed = context.List("allowed-readers");
        var max = context.Integer("max-readers");
        var readers = access.Files.SelectMany(f => f.Readers).Select(r => r.Account).Distinct().Order(StringComparer.Ordinal).ToList();
        var outsiders = allowed.Count == 0 ? [] : readers.Where(r => !allowed.Contains(r)).ToList();
        var pointers = access.Files.Select((f, i) => (f, i))
            .Where(x => x.f.Readers.Any(r => outsiders.Contains(r.Account)) || (readers.Count > max && x.f.Readers.Count > 0))
            .Select(x => EvidencePointer.To("access", "files", x.i, "readers"));
        if (outsiders.Count > 0)
            return CheckOutcome.Fail($"{outsiders.Count} account(s) not on the allow-list can read weights: {string.Join(", ", outsiders.Take(10))}", pointers);
        if (readers.Count > max)
            return CheckOutcome.Fail($"{readers.Count} accounts can read weights (at most {max} allowed): {string.Join(", ", readers.Take(10))}", pointers);
        return CheckOutcome.Pass(readers.Count == 0
            ? "only root can read the weights"
            : $"{readers.Count} account(s) can read weights: {string.Join(", ", readers)}", EvidencePointer.To("access", "files"));
    }
}
