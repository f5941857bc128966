using WeightGuard.Core.Evidence;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>Every key file named in <c>/etc/crypttab</c> lies on encrypted storage itself: a key file on a plain disk
/// hands the volume to whoever takes the disk.</summary>
public sealed class CrypttabKeyFilesEncryptedCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "crypttab-key-files-encrypted";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } = [];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Storage, "storage", out var storage) is { } missing) return missing;
        var withFiles = storage.Crypttab.Select((c, i) => (c, i)).Where(x => x.c.KeyFileStorage is not null).ToList();
        if (withFiles.Count == 0) return CheckOutcome.NotApplicable("no crypttab entry reads its key from a file");
        var bad = withFiles.Where(x => x.c.KeyFileStorage!.Verdict.Encrypted != EncryptionState.Encrypted).ToList();
        return bad.Count == 0
            ? CheckOutcome.Pass($"all {withFiles.Count} crypttab key file(s) lie on encrypted storage", EvidencePointer.To("storage", "crypttab"))
            : CheckOutcome.Fail(WeightsNoWorldAccessCheck.Summarise(bad.Select(b => $"{b.c.KeyFile} (for {b.c.Name}): {b.c.KeyFileStorage!.Verdict.Reason}").ToList()),
                bad.Select(b => EvidencePointer.To("storage", "crypttab", b.i, "keyFileStorage")));
    }
}
