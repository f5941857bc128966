using System.Globalization;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Disk;

/// <summary>
/// Works out how an encrypted volume unlocks from its LUKS2 tokens, its key slots and its crypttab line: key slots
/// bound to a token open through that token (TPM2, FIDO2, PKCS#11, clevis); the rest open with a passphrase or, when
/// crypttab names one, a key file.
/// </summary>
public static class UnlockAnalyzer
{
    /// <summary>Every unlock method the header and crypttab show, tokens first.</summary>
    public static IReadOnlyList<UnlockMethod> Analyze(LuksSummary? luks, CrypttabEntry? crypttab)
    {
        var methods = new List<UnlockMethod>();
        var bound = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in luks?.Tokens ?? [])
        {
            bound.UnionWith(token.Keyslots);
            methods.Add(FromToken(token));
        }
        var keyFile = crypttab?.KeyFile;
        if (keyFile is not null && Crypttab.RandomKeySources.Contains(keyFile))
            methods.Add(new UnlockMethod("random-key", [], Details(("keyFile", keyFile))));
        var keyscript = crypttab?.Options.FirstOrDefault(o => o.StartsWith("keyscript=", StringComparison.Ordinal));
        if (keyscript is not null) methods.Add(new UnlockMethod("keyscript", [], Details(("keyscript", keyscript["keyscript=".Length..]))));

        var free = luks?.Keyslots.Select(k => k.Id.ToString(CultureInfo.InvariantCulture)).Where(id => !bound.Contains(id)).ToList() ?? [];
        if (luks is null || free.Count > 0)
        {
            if (keyFile is not null && !Crypttab.RandomKeySources.Contains(keyFile))
                methods.Add(new UnlockMethod("key-file", free, Details(("keyFile", keyFile))));
            // A slot without a token takes whatever is typed: a passphrase (or the key file's contents).
            if (luks is not null || (keyFile is null && keyscript is null))
                methods.Add(new UnlockMethod("passphrase", free, Details()));
        }
        return methods;
    }

    private static UnlockMethod FromToken(LuksTokenSummary t) => t.Type switch
    {
        "systemd-tpm2" => new UnlockMethod("tpm2", t.Keyslots, Details(
            ("pcrs", Pcrs(t.Tpm2Pcrs)), ("pcrBank", t.Tpm2PcrBank), ("pin", Bool(t.Tpm2Pin)), ("pubkeyPcrs", Pcrs(t.Tpm2PubkeyPcrs)))),
        "systemd-fido2" => new UnlockMethod("fido2", t.Keyslots, Details(
            ("clientPinRequired", Bool(t.Fido2ClientPinRequired)), ("userPresenceRequired", Bool(t.Fido2UserPresenceRequired)),
            ("userVerificationRequired", Bool(t.Fido2UserVerificationRequired)))),
        "systemd-pkcs11" => new UnlockMethod("pkcs11", t.Keyslots, Details()),
        "clevis" => new UnlockMethod("clevis-" + (t.ClevisPin ?? "unknown"), t.Keyslots, Details(
            ("pcrs", Pcrs(t.Tpm2Pcrs)), ("pcrBank", t.Tpm2PcrBank),
            ("tangUrls", t.ClevisTangUrls is null ? null : string.Join(' ', t.ClevisTangUrls)),
            ("threshold", t.ClevisSssThreshold?.ToString(CultureInfo.InvariantCulture)),
            ("pins", t.ClevisSssPins is null ? null : string.Join(',', t.ClevisSssPins)))),
        _ => new UnlockMethod("token", t.Keyslots, Details(("type", t.Type))),
    };

    private static string? Pcrs(IReadOnlyList<int>? pcrs) => pcrs is null ? null : string.Join('+', pcrs);

    private static string? Bool(bool? b) => b switch { true => "true", false => "false", null => null };

    private static SortedDictionary<string, string> Details(params (string Key, string? Value)[] pairs)
    {
        var d = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in pairs) if (v is not null) d[k] = v;
        return d;
    }
}
