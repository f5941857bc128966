using WeightGuard.Core.Catalog;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>
/// Every encrypted volume under the weights unlocks through the TPM (systemd-tpm2 or clevis tpm2 token, or a BitLocker
/// TPM protector) sealed to at least the <c>required-pcrs</c>, so the disk opens only on this machine in its measured state.
/// </summary>
public sealed class TpmBoundUnlockCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "tpm-bound-unlock";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } =
    [
        new("required-pcrs", ParamType.StringList, ParamValue.Of(["7"]), "PCRs a LUKS TPM2 binding must include (7 = Secure Boot state)."),
    ];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Storage, "storage", out var storage) is { } missing) return missing;
        var required = context.List("required-pcrs");
        var bad = new List<(string Text, string Pointer)>();
        var volumes = WeightVolumes.Distinct(storage);
        foreach (var (v, at) in volumes)
        {
            var tpm = v.Unlock.Where(u => u.Method is "tpm2" or "clevis-tpm2" || u.Method.StartsWith("bitlocker-tpm", StringComparison.Ordinal)
                                          || (u.Method == "clevis-sss" && u.Details.ContainsKey("pcrs"))).ToList();
            if (tpm.Count == 0)
            {
                bad.Add(($"{v.Name}: no TPM-bound unlock ({string.Join(", ", v.Unlock.Select(u => u.Method).DefaultIfEmpty("none known"))})", at));
                continue;
            }
            if (v.Type.StartsWith("BITLK", StringComparison.Ordinal)) continue; // BitLocker's TPM protector seals to its own PCR profile
            var bound = tpm.SelectMany(u => u.Details.TryGetValue("pcrs", out var p) ? p.Split('+') : []).ToHashSet(StringComparer.Ordinal);
            var absent = required.Where(r => !bound.Contains(r)).ToList();
            if (absent.Count > 0) bad.Add(($"{v.Name}: TPM binding lacks PCR {string.Join("+", absent)}", at));
        }
        if (volumes.Count == 0) return CheckOutcome.NotApplicable("no encrypted volume under the weight paths");
        return bad.Count == 0
            ? CheckOutcome.Pass($"all {volumes.Count} encrypted volume(s) unlock through the TPM", EvidencePointer.To("storage", "paths"))
            : CheckOutcome.Fail(WeightsNoWorldAccessCheck.Summarise(bad.Select(b => b.Text).ToList()), bad.Select(b => b.Pointer).Distinct());
    }
}
