using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>
/// Every LUKS volume under the weights uses current parameters: key slots derive keys with an allowed KDF above the
/// cost floors and without a rejected PBKDF2 hash, and the header carries no finding (legacy mode, header damage) other
/// than those accepted. Drive-managed OPAL encryption is judged by <see cref="WeightsOnEncryptedStorageCheck"/>.
/// </summary>
public sealed class DiskEncryptionStrongCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "disk-encryption-strong";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } =
    [
        new("allowed-kdfs", ParamType.StringList, ParamValue.Of(["argon2id", "argon2i", "pbkdf2"]), "Key-derivation functions a key slot may use."),
        new("min-pbkdf2-iterations", ParamType.Integer, ParamValue.Of("100000"), "Fewest PBKDF2 iterations for a key slot."),
        new("min-argon2-memory-kib", ParamType.Integer, ParamValue.Of("65536"), "Least Argon2 memory cost in KiB for a key slot."),
        new("reject-pbkdf2-hashes", ParamType.StringList, ParamValue.Of(["sha1", "md5", "ripemd160"]), "PBKDF2 hashes a key slot may not use."),
        new("allow-luks1", ParamType.Boolean, ParamValue.Of("false"), "Whether LUKS1 headers (PBKDF2 only, no checksum) are accepted."),
        new("accept-findings", ParamType.StringList, ParamValue.Of(Array.Empty<string>()),
            "LUKS finding codes (cbc-mode, header-copy-damaged…) that do not fail the check."),
    ];

    /// <summary>Findings another parameter or control judges: LUKS1 (allow-luks1), OPAL (weights-on-encrypted-storage).</summary>
    private static readonly HashSet<string> JudgedElsewhere = [LuksFindingCode.Luks1, LuksFindingCode.OpalDriveManaged];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Storage, "storage", out var storage) is { } missing) return missing;
        var kdfs = context.List("allowed-kdfs");
        var minIterations = context.Integer("min-pbkdf2-iterations");
        var minMemory = context.Integer("min-argon2-memory-kib");
        var rejectHashes = context.List("reject-pbkdf2-hashes");
        var allowLuks1 = context.Boolean("allow-luks1");
        var accepted = context.List("accept-findings");
        var bad = new List<(string Text, string Pointer)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var judged = 0;
        for (var i = 0; i < storage.Paths.Count; i++)
        {
            var volumes = storage.Paths[i].Volumes;
            for (var j = 0; j < volumes.Count; j++)
            {
                if (volumes[j].Luks is not { } luks || !seen.Add(luks.Uuid)) continue;
                judged++;
                var at = EvidencePointer.To("storage", "paths", i, "volumes", j, "luks");
                var name = volumes[j].Name;
                if (luks.Version == 1 && !allowLuks1) bad.Add(($"{name}: LUKS1 header", at));
                foreach (var f in luks.Findings.Where(f => !JudgedElsewhere.Contains(f.Code) && !accepted.Contains(f.Code)))
                    bad.Add(($"{name}: {f.Message} [{f.Code}]", at));
                foreach (var slot in luks.Keyslots)
                {
                    if (slot.Pbkdf is not { } kdf) continue;
                    // The hash is judged even where pbkdf2 is allowed: a sha1 slot must not pass because pbkdf2 may.
                    if (kdf.Type == "pbkdf2" && kdf.Hash is { } hash && rejectHashes.Contains(hash))
                        bad.Add(($"{name} keyslot {slot.Id}: pbkdf2 with {hash}, a rejected hash", at));
                    if (!kdfs.Contains(kdf.Type)) bad.Add(($"{name} keyslot {slot.Id}: {kdf.Type} is not an allowed KDF", at));
                    else if (kdf.Type == "pbkdf2" && kdf.Iterations < minIterations)
                        bad.Add(($"{name} keyslot {slot.Id}: pbkdf2 with {kdf.Iterations} iterations (at least {minIterations})", at));
                    else if (kdf.Type.StartsWith("argon2", StringComparison.Ordinal) && kdf.Memory < minMemory)
                        bad.Add(($"{name} keyslot {slot.Id}: {kdf.Type} with {kdf.Memory} KiB (at least {minMemory})", at));
                }
            }
        }
        if (judged == 0) return CheckOutcome.NotApplicable("no LUKS volume under the weight paths");
        return bad.Count == 0
            ? CheckOutcome.Pass($"all {judged} LUKS volume(s) use current ciphers and key-derivation settings", EvidencePointer.To("storage", "paths"))
            : CheckOutcome.Fail(WeightsNoWorldAccessCheck.Summarise(bad.Select(b => b.Text).ToList()), bad.Select(b => b.Pointer).Distinct());
    }
}
