using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>
/// No secret a person can know or hold opens the storage under the weights: every LUKS key slot is bound to a token
/// (TPM2, FIDO2, PKCS#11, clevis), since a slot without one opens with whatever was typed or filed when it was enrolled (a
/// passphrase, a recovery key, a key file); no ZFS dataset takes a passphrase; no BitLocker volume has a recovery
/// password, password or recovery-key-file protector. The header cannot tell a typed passphrase from a random key file:
/// both are copies someone can take away, so both fail.
/// </summary>
public sealed class NoHumanUnlockSecretCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "no-human-unlock-secret";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } =
    [
        new("human-methods", ParamType.StringList,
            ParamValue.Of(["passphrase", "key-file", "keyscript", "zfs-passphrase", "bitlocker-numerical-password", "bitlocker-passphrase", "bitlocker-external-key"]),
            "Unlock methods that rest on a secret a person can know or carry away."),
    ];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Storage, "storage", out var storage) is { } missing) return missing;
        var human = context.List("human-methods");
        var bad = new List<(string Text, string Pointer)>();
        var unknown = new List<(string Text, string Pointer)>();
        var volumes = WeightVolumes.Distinct(storage);
        foreach (var (v, at) in volumes)
        {
            if (v.Type is "LUKS1" or "LUKS2" && v.Luks is null)
            {
                unknown.Add(($"{v.Name}: the LUKS header could not be read, so its key slots are unknown", at));
                continue;
            }
            var methods = v.Unlock.Where(u => human.Contains(u.Method)).ToList();
            if (methods.Count == 0) continue;
            var slots = methods.SelectMany(u => u.Keyslots).Distinct(StringComparer.Ordinal).ToList();
            bad.Add((slots.Count > 0
                ? $"{v.Name}: key slot(s) {string.Join(", ", slots)} bound to no token open with a secret a person can hold ({string.Join(", ", methods.Select(u => u.Method))})"
                : $"{v.Name}: unlocks with {string.Join(", ", methods.Select(u => u.Method))}", at));
        }
        if (bad.Count > 0) return CheckOutcome.Fail(WeightsNoWorldAccessCheck.Summarise(bad.Select(b => b.Text).ToList()), bad.Select(b => b.Pointer));
        if (unknown.Count > 0) return CheckOutcome.Error(WeightsNoWorldAccessCheck.Summarise(unknown.Select(b => b.Text).ToList()), unknown.Select(b => b.Pointer));
        return volumes.Count == 0
            ? CheckOutcome.NotApplicable("no encrypted volume under the weight paths (whether they must be encrypted is WG-DISK-001's question)")
            : CheckOutcome.Pass($"all {volumes.Count} encrypted volume(s) open only through hardware-held keys", EvidencePointer.To("storage", "paths"));
    }
}
