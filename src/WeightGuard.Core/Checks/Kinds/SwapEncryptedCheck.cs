using WeightGuard.Core.Evidence;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>Every active swap area is encrypted (or memory-backed), so weights paged out of memory never reach a disk in the clear.</summary>
public sealed class SwapEncryptedCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "swap-encrypted";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } = [];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Storage, "storage", out var storage) is { } missing) return missing;
        if (storage.Swap.Count == 0) return CheckOutcome.Pass("no swap is active", EvidencePointer.To("storage", "swap"));
        var bad = storage.Swap.Select((s, i) => (s, i)).Where(x => x.s.Verdict.Encrypted != EncryptionState.Encrypted).ToList();
        return bad.Count == 0
            ? CheckOutcome.Pass($"all {storage.Swap.Count} swap area(s) are encrypted", EvidencePointer.To("storage", "swap"))
            : CheckOutcome.Fail(WeightsNoWorldAccessCheck.Summarise(bad.Select(b => $"{b.s.Path}: {b.s.Verdict.Reason}").ToList()),
                bad.Select(b => EvidencePointer.To("storage", "swap", b.i)));
    }
}
