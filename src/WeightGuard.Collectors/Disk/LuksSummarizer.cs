using System.Globalization;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Disk;

/// <summary>
/// Turns a parsed <see cref="LuksHeader"/> into the <see cref="LuksSummary"/> that evidence and
/// <c>weightguard inspect luks</c> carry. It states facts as <see cref="LuksFinding"/> codes (legacy modes, what the
/// data segment is, header damage) and applies no thresholds: key-derivation costs are judged by the checks.
/// </summary>
public static class LuksSummarizer
{
    /// <summary>Summarises <paramref name="header"/>.</summary>
    public static LuksSummary Summarize(LuksHeader header)
    {
        var (summary, found) = header.Luks1 is { } l1 ? FromLuks1(l1) : FromLuks2(header.Luks2!);
        return summary with { Findings = [.. SegmentFindings(summary), .. CipherFindings(summary), .. found] };
    }

    private static (LuksSummary, IReadOnlyList<LuksFinding>) FromLuks1(Luks1Header h)
    {
        var keyBits = (int)h.KeyBytes * 8;
        var slots = h.Keyslots.Where(s => s.Active)
            .Select(s => new LuksKeyslotSummary(s.Index, "luks1", keyBits, null, null,
                new PbkdfSummary("pbkdf2", h.HashSpec, s.Iterations, null, null, null), (int)Math.Min(s.Stripes, int.MaxValue)))
            .ToList();
        var cipher = $"{h.CipherName}-{h.CipherMode}";
        var summary = new LuksSummary(1, h.Uuid, null, cipher, keyBits, 512, (ulong)h.PayloadOffset * 512, h.HashSpec, slots, [],
            ChecksumValid: null, Headers: [], SegmentType: "crypt", Encrypted: IsEncrypting(cipher), Findings: []);
        return (summary, [LuksFinding.Of(LuksFindingCode.Luks1), .. h.Findings]);
    }

    private static (LuksSummary, IReadOnlyList<LuksFinding>) FromLuks2(Luks2Header h)
    {
        var m = h.Metadata;
        // The data segment is the first regular one; backup segments only describe a re-encryption in progress.
        var segment = m.Segments.FirstOrDefault(s => !s.Flags.Any(f => f.StartsWith("backup-", StringComparison.Ordinal)));
        var segmentId = segment?.Id.ToString(CultureInfo.InvariantCulture);
        var keySlotIds = m.Digests.Where(d => segmentId is not null && d.Segments.Contains(segmentId)).SelectMany(d => d.Keyslots).ToHashSet();
        var dataKeyBits = m.Keyslots.Where(k => keySlotIds.Contains(k.Id.ToString(CultureInfo.InvariantCulture)))
            .Select(k => (int?)k.KeySize * 8).FirstOrDefault();
        var slots = m.Keyslots.Select(k => new LuksKeyslotSummary(k.Id, k.Type, k.KeySize * 8, k.Area.Encryption, k.Priority, k.Kdf, k.Af?.Stripes)).ToList();
        var type = segment?.Type ?? "none";
        var hostCipher = type is "crypt" or "hw-opal-crypt";
        var cipher = hostCipher ? segment!.Encryption ?? "none" : "none";
        // hw-opal-crypt: the volume key is split between the drive and dm-crypt; the dm-crypt part is the host's key.
        var keyBits = type == "hw-opal" ? segment!.OpalKeyBits : type == "hw-opal-crypt" && segment!.OpalKeyBits is { } opal ? dataKeyBits - opal : dataKeyBits;
        var label = h.Binary.Label.Length == 0 ? null : h.Binary.Label;
        // Both copies must be present and verify; a missing or corrupt copy is damage even when the other one is good.
        var checksumValid = h.Copies.Count == 2 && h.Copies.All(c => c.ChecksumValid);
        var encrypted = type.StartsWith("hw-opal", StringComparison.Ordinal) || (type == "crypt" && IsEncrypting(cipher));
        var summary = new LuksSummary(2, h.Binary.Uuid, label, cipher, keyBits, segment?.SectorSize ?? 512, segment?.Offset ?? 0, null,
            slots, m.Tokens, checksumValid, h.Copies.Select(c => new LuksHeaderCopy(c.Offset, c.Seqid, c.ChecksumValid, c.InUse, c.Problem)).ToList(),
            type, encrypted, Findings: []);
        return (summary, h.Findings);
    }

    private static bool IsEncrypting(string cipher) => !cipher.StartsWith("cipher_null", StringComparison.Ordinal);

    /// <summary>What the data segment is, when it is not plain dm-crypt.</summary>
    private static IEnumerable<LuksFinding> SegmentFindings(LuksSummary s)
    {
        switch (s.SegmentType)
        {
            case "hw-opal":
                yield return LuksFinding.Of(LuksFindingCode.OpalDriveManaged);
                break;
            case "crypt" or "hw-opal-crypt" when !s.Encrypted || s.Cipher == "none":
                yield return LuksFinding.Of(LuksFindingCode.NotEncrypted, s.Cipher);
                break;
            case "crypt" or "hw-opal-crypt":
                break;
            case "linear" or "none":
                yield return LuksFinding.Of(LuksFindingCode.NotEncrypted, $"{s.SegmentType} segment");
                break;
            default:
                yield return LuksFinding.Of(LuksFindingCode.UnknownSegmentType, s.SegmentType);
                break;
        }
    }

    /// <summary>Legacy chaining modes and IV generators named by the data cipher.</summary>
    private static IEnumerable<LuksFinding> CipherFindings(LuksSummary s)
    {
        if (!s.Encrypted || s.Cipher == "none") yield break;
        var (chain, iv) = SplitMode(s.Cipher);
        if (chain == "ecb") yield return LuksFinding.Of(LuksFindingCode.EcbMode, s.Cipher);
        if (chain == "cbc" && iv is "plain" or "plain64" or "plain64be" or "null")
            yield return LuksFinding.Of(LuksFindingCode.CbcPredictableIv, s.Cipher, iv);
        else if (chain == "cbc") yield return LuksFinding.Of(LuksFindingCode.CbcMode, s.Cipher);
        if (iv == "plain") yield return LuksFinding.Of(LuksFindingCode.PlainIv32Bit, s.Cipher);
        if (iv == "null" && chain != "cbc") yield return LuksFinding.Of(LuksFindingCode.NullIv, s.Cipher);
    }

    /// <summary>Splits <c>aes-cbc-essiv:sha256</c> into chain mode <c>cbc</c> and IV generator <c>essiv</c>.</summary>
    private static (string Chain, string Iv) SplitMode(string cipher)
    {
        var dash = cipher.IndexOf('-');
        if (dash < 0) return ("", "");
        var mode = cipher[(dash + 1)..];
        var ivDash = mode.IndexOf('-');
        var chain = ivDash < 0 ? mode : mode[..ivDash];
        var iv = ivDash < 0 ? "" : mode[(ivDash + 1)..];
        var colon = iv.IndexOf(':');
        return (chain, colon < 0 ? iv : iv[..colon]);
    }
}
