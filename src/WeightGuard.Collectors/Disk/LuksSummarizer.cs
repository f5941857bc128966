using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Disk;

/// <summary>Floors below which a key-derivation setting is named as a weakness.</summary>
/// <param name="Pbkdf2MinIterations">cryptsetup's one-second benchmark gives PBKDF2-SHA256 well over a million
/// iterations on current CPUs; fewer than this means a forced or very old setting.</param>
/// <param name="Argon2MinMemoryKiB">RFC 9106's second recommended Argon2id setting uses 64 MiB.</param>
public sealed record LuksWeaknessFloors(long Pbkdf2MinIterations = 100_000, long Argon2MinMemoryKiB = 65_536);

/// <summary>Turns a parsed <see cref="LuksHeader"/> into the <see cref="LuksSummary"/> that evidence and
/// <c>weightguard inspect luks</c> carry, naming legacy modes and weak key-derivation settings.</summary>
public static class LuksSummarizer
{
    private static readonly LuksWeaknessFloors DefaultFloors = new();

    /// <summary>Summarises <paramref name="header"/>; <paramref name="floors"/> defaults to <see cref="LuksWeaknessFloors"/>'s defaults.</summary>
    public static LuksSummary Summarize(LuksHeader header, LuksWeaknessFloors? floors = null)
    {
        floors ??= DefaultFloors;
        var summary = header.Luks1 is { } l1 ? FromLuks1(l1) : FromLuks2(header.Luks2!);
        return summary with { Weaknesses = Weaknesses(summary, floors) };
    }

    private static LuksSummary FromLuks1(Luks1Header h)
    {
        var keyBits = (int)h.KeyBytes * 8;
        var slots = h.Keyslots.Where(s => s.Active)
            .Select(s => new LuksKeyslotSummary(s.Index, "luks1", keyBits, null, null,
                new PbkdfSummary("pbkdf2", h.HashSpec, s.Iterations, null, null, null), (int)Math.Min(s.Stripes, int.MaxValue)))
            .ToList();
        var cipher = $"{h.CipherName}-{h.CipherMode}";
        return new LuksSummary(1, h.Uuid, null, cipher, keyBits, 512, (ulong)h.PayloadOffset * 512, h.HashSpec, slots, [],
            ChecksumValid: null, Headers: [], Encrypted: IsEncrypting(cipher), Weaknesses: []);
    }

    private static LuksSummary FromLuks2(Luks2Header h)
    {
        var m = h.Metadata;
        // The data segment is the first crypt segment (during re-encryption there can be several).
        var segment = m.Segments.FirstOrDefault(s => s.Type == "crypt");
        var segmentId = segment?.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var keySlotIds = m.Digests.Where(d => segmentId is not null && d.Segments.Contains(segmentId)).SelectMany(d => d.Keyslots).ToHashSet();
        var dataKeyBits = m.Keyslots.Where(k => keySlotIds.Contains(k.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Select(k => (int?)k.KeySize * 8).FirstOrDefault();
        var slots = m.Keyslots.Select(k => new LuksKeyslotSummary(k.Id, k.Type, k.KeySize * 8, k.Area.Encryption, k.Priority, k.Kdf, k.Af?.Stripes)).ToList();
        var cipher = segment?.Encryption ?? "none";
        var label = h.Binary.Label.Length == 0 ? null : h.Binary.Label;
        // Both copies must be present and verify; a missing or corrupt copy is damage even when the other one is good.
        var checksumValid = h.Copies.Count == 2 && h.Copies.All(c => c.ChecksumValid);
        return new LuksSummary(2, h.Binary.Uuid, label, cipher, dataKeyBits, segment?.SectorSize ?? 512, segment?.Offset ?? 0, null,
            slots, m.Tokens, checksumValid, h.Copies.Select(c => new LuksHeaderCopy(c.Offset, c.Seqid, c.ChecksumValid)).ToList(),
            Encrypted: segment is not null && IsEncrypting(cipher), Weaknesses: []);
    }

    private static bool IsEncrypting(string cipher) => !cipher.StartsWith("cipher_null", StringComparison.Ordinal);

    private static IReadOnlyList<string> Weaknesses(LuksSummary s, LuksWeaknessFloors floors)
    {
        var list = new List<string>();
        if (!s.Encrypted) list.Add(s.Cipher == "none" ? "no crypt segment: data is not encrypted" : $"{s.Cipher}: data is not encrypted");
        var (chain, iv) = SplitMode(s.Cipher);
        if (chain == "ecb" && s.Encrypted) list.Add($"{s.Cipher}: ecb mode, equal plaintext blocks give equal ciphertext");
        if (chain == "cbc" && iv is "plain" or "plain64" or "plain64be" or "null")
            list.Add($"{s.Cipher}: cbc with predictable IVs ({iv}) is open to watermarking");
        else if (chain == "cbc") list.Add($"{s.Cipher}: legacy cbc mode (xts is the current default)");
        if (iv == "plain") list.Add($"{s.Cipher}: 32-bit plain IV repeats on volumes over 2 TiB");
        if (iv == "null" && chain != "cbc") list.Add($"{s.Cipher}: null IV, every sector uses the same IV");
        if (s.Version == 1) list.Add("luks1: PBKDF2 only and no metadata checksum");
        foreach (var slot in s.Keyslots)
        {
            if (slot.Pbkdf is not { } kdf) continue;
            if (kdf.Type == "pbkdf2")
            {
                if (kdf.Iterations < floors.Pbkdf2MinIterations)
                    list.Add($"keyslot {slot.Id}: pbkdf2 with {kdf.Iterations} iterations (below {floors.Pbkdf2MinIterations})");
                if (kdf.Hash is "sha1" or "md5" or "ripemd160")
                    list.Add($"keyslot {slot.Id}: pbkdf2 with {kdf.Hash}");
            }
            else if (kdf.Type.StartsWith("argon2", StringComparison.Ordinal) && kdf.Memory < floors.Argon2MinMemoryKiB)
                list.Add($"keyslot {slot.Id}: {kdf.Type} with {kdf.Memory} KiB memory (below {floors.Argon2MinMemoryKiB})");
        }
        return list;
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
