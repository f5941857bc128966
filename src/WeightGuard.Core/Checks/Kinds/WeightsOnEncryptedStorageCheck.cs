using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>
/// Every weight path rests on storage proven to encrypt data at rest (LUKS, BitLocker, ZFS, fscrypt…), with a key of at
/// least <c>min-key-bits</c> and no cipher from <c>reject-ciphers</c>. Storage whose encryption cannot be proven from the
/// host (NFS, FUSE, unreadable stacks) fails: the control asks for proof. A LUKS2 volume encrypted only by the drive's
/// OPAL locking range counts only when <c>allow-opal</c> is true, because its keys never reach the host.
/// </summary>
public sealed class WeightsOnEncryptedStorageCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "weights-on-encrypted-storage";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } =
    [
        new("min-key-bits", ParamType.Integer, ParamValue.Of("256"),
            "Smallest data key in bits, counted as cryptsetup does (XTS counts both halves: 512 is AES-256-XTS)."),
        new("reject-ciphers", ParamType.StringList, ParamValue.Of(["cipher_null"]), "Cipher name prefixes that do not count as encryption."),
        new("allow-opal", ParamType.Boolean, ParamValue.Of("false"),
            "Whether a LUKS2 volume encrypted only by the drive (OPAL hw-opal segment, drive-managed keys) counts as encrypted."),
    ];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Storage, "storage", out var storage) is { } missing) return missing;
        if (storage.Paths.Count == 0) return CheckOutcome.NotApplicable("no weight paths were resolved to storage");
        var minBits = context.Integer("min-key-bits");
        var reject = context.List("reject-ciphers");
        var allowOpal = context.Boolean("allow-opal");
        var bad = new List<(string Text, string Pointer)>();
        for (var i = 0; i < storage.Paths.Count; i++)
        {
            var p = storage.Paths[i];
            var at = EvidencePointer.To("storage", "paths", i);
            if (p.Verdict.Encrypted != EncryptionState.Encrypted)
            {
                bad.Add(($"{p.Path}: {(p.Verdict.Encrypted == EncryptionState.Unknown ? "encryption not proven" : "not encrypted")} ({p.Verdict.Reason})", at));
                continue;
            }
            foreach (var v in p.Volumes)
            {
                if (v.Luks?.Findings.FirstOrDefault(f => f.Code == LuksFindingCode.OpalDriveManaged) is { } opal)
                {
                    if (!allowOpal) bad.Add(($"{p.Path}: volume {v.Name}: {opal.Message} (allow-opal is false)", at));
                    continue;
                }
                if (v.Cipher is { } cipher && reject.Any(r => cipher.StartsWith(r, StringComparison.Ordinal)))
                    bad.Add(($"{p.Path}: volume {v.Name} uses rejected cipher {cipher}", at));
                else if (v.KeyBits is { } bits && bits < minBits)
                    bad.Add(($"{p.Path}: volume {v.Name} has a {bits}-bit key (at least {minBits} required)", at));
            }
        }
        return bad.Count == 0
            ? CheckOutcome.Pass($"all {storage.Paths.Count} weight path(s) rest on encrypted storage", EvidencePointer.To("storage", "paths"))
            : CheckOutcome.Fail(WeightsNoWorldAccessCheck.Summarise(bad.Select(b => b.Text).ToList()), bad.Select(b => b.Pointer).Distinct());
    }
}
