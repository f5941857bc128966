using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Disk;

/// <summary>
/// Reads one LUKS2 token object into what it says about unlocking: systemd-tpm2 PCR binding and PIN, systemd-fido2
/// requirements, and for clevis the pin named by the JWE protected header (tpm2, tang, or sss with its inner pins).
/// Blobs, credentials and JWE ciphertext are never kept. cryptsetup validates only a token's type and keyslots, so any
/// other field of an unexpected type reads as absent.
/// </summary>
internal static class Luks2TokenReader
{
    /// <summary>clevis sss can nest sss; real configurations use one or two levels.</summary>
    private const int MaxClevisNesting = 4;

    public static LuksTokenSummary Read(int id, JsonElement e)
    {
        var type = LuksJson.String(e, "type")!;
        var token = new LuksTokenSummary(id, type, LuksJson.Strings(e, "keyslots"));
        return type switch
        {
            "systemd-tpm2" => token with
            {
                // systemd ≥ 252 writes tpm2-hash-pcrs; older releases wrote tpm2-pcrs.
                Tpm2Pcrs = LuksJson.Ints(e, "tpm2-hash-pcrs") ?? LuksJson.Ints(e, "tpm2-pcrs"),
                Tpm2PcrBank = LuksJson.String(e, "tpm2-pcr-bank"),
                Tpm2Pin = LuksJson.Bool(e, "tpm2-pin"),
                Tpm2PubkeyPcrs = LuksJson.Ints(e, "tpm2-pubkey-pcrs"),
            },
            "systemd-fido2" => token with
            {
                Fido2ClientPinRequired = LuksJson.Bool(e, "fido2-clientPin-required"),
                Fido2UserPresenceRequired = LuksJson.Bool(e, "fido2-up-required"),
                Fido2UserVerificationRequired = LuksJson.Bool(e, "fido2-uv-required"),
            },
            "clevis" => LuksJson.Object(e, "jwe") is { } jwe && LuksJson.String(jwe, "protected") is { } p ? Clevis(token, p, 0) : token,
            _ => token,
        };
    }

    /// <summary>Fills the clevis fields from a base64url JWE protected header; an unreadable header leaves them empty.</summary>
    private static LuksTokenSummary Clevis(LuksTokenSummary token, string protectedHeader, int depth)
    {
        using var header = DecodeHeader(protectedHeader);
        if (header is null || !header.RootElement.TryGetProperty("clevis", out var clevis) || clevis.ValueKind != JsonValueKind.Object ||
            !clevis.TryGetProperty("pin", out var pinElement) || pinElement.ValueKind != JsonValueKind.String)
            return token;
        var pin = pinElement.GetString()!;
        var config = clevis.TryGetProperty(pin, out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        token = token with { ClevisPin = pin };
        switch (pin)
        {
            case "tpm2" when config.ValueKind == JsonValueKind.Object:
                return token with
                {
                    Tpm2Pcrs = Merge(token.Tpm2Pcrs, PcrIds(config)),
                    Tpm2PcrBank = token.Tpm2PcrBank ?? StringProperty(config, "pcr_bank"),
                };
            case "tang" when StringProperty(config, "url") is { } url:
                return token with { ClevisTangUrls = [.. token.ClevisTangUrls ?? [], url] };
            case "sss" when config.ValueKind == JsonValueKind.Object && depth < MaxClevisNesting:
                // clevis writes t as a number; a string or anything else leaves the threshold unknown.
                if (depth == 0 && LuksJson.Property(config, "t") is { ValueKind: JsonValueKind.Number } t && t.TryGetInt32(out var threshold))
                    token = token with { ClevisSssThreshold = threshold };
                if (!config.TryGetProperty("jwe", out var shares) || shares.ValueKind != JsonValueKind.Array) return token;
                foreach (var share in shares.EnumerateArray())
                {
                    if (share.ValueKind != JsonValueKind.String) continue;
                    var compact = share.GetString()!;
                    var dot = compact.IndexOf('.');
                    var inner = Clevis(new LuksTokenSummary(token.Id, token.Type, token.Keyslots), dot < 0 ? compact : compact[..dot], depth + 1);
                    token = token with
                    {
                        ClevisSssPins = depth == 0 ? [.. token.ClevisSssPins ?? [], inner.ClevisPin ?? "unknown"] : token.ClevisSssPins,
                        Tpm2Pcrs = Merge(token.Tpm2Pcrs, inner.Tpm2Pcrs),
                        Tpm2PcrBank = token.Tpm2PcrBank ?? inner.Tpm2PcrBank,
                        ClevisTangUrls = inner.ClevisTangUrls is null ? token.ClevisTangUrls : [.. token.ClevisTangUrls ?? [], .. inner.ClevisTangUrls],
                    };
                }
                return token;
            default:
                return token;
        }
    }

    private static JsonDocument? DecodeHeader(string base64Url)
    {
        var bytes = new byte[Base64Url.GetMaxDecodedLength(base64Url.Length)];
        if (Base64Url.DecodeFromChars(base64Url, bytes, out _, out var written) != System.Buffers.OperationStatus.Done) return null;
        try
        {
            var doc = JsonDocument.Parse(LuksJson.ValidUtf8(bytes.AsMemory(0, written)), new JsonDocumentOptions { MaxDepth = LuksHeaderParser.MaxJsonDepth });
            if (doc.RootElement.ValueKind == JsonValueKind.Object) return doc;
            doc.Dispose();
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>clevis writes <c>pcr_ids</c> as a comma-separated string ("0,7"); accept an array of numbers or
    /// numeric strings too.</summary>
    private static IReadOnlyList<int>? PcrIds(JsonElement config) => LuksJson.Property(config, "pcr_ids") switch
    {
        { ValueKind: JsonValueKind.String } ids => ids.GetString()!
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var pcr) ? pcr : (int?)null)
            .OfType<int>().ToList(),
        { ValueKind: JsonValueKind.Array } => LuksJson.Ints(config, "pcr_ids"),
        null => null,
        _ => [],
    };

    private static IReadOnlyList<int>? Merge(IReadOnlyList<int>? a, IReadOnlyList<int>? b) =>
        a is null ? b : b is null ? a : a.Union(b).Order().ToList();

    private static string? StringProperty(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
