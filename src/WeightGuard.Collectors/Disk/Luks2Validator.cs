using System.Globalization;
using System.Text.Json;

namespace WeightGuard.Collectors.Disk;

/// <summary>
/// cryptsetup's LUKS2 metadata validation (<c>LUKS2_hdr_validate</c> after its in-memory keyslot repair), applied to
/// one header copy's JSON: requirements, tokens, digests, segments, keyslots, config, keyslot areas, the JSON size and
/// the <c>luks2</c>/<c>reencrypt</c> keyslot rules. A copy that fails here is one cryptsetup would not use, whatever
/// its checksum says. Overlap tests sort instead of comparing every pair, so a hostile header with thousands of
/// objects stays linear-logarithmic; the verdict is the same as cryptsetup's pairwise loops.
/// Not reproduced: the comparison of re-encryption backup segments with the segments they back up, and the length of
/// the JSON as cryptsetup would re-serialise it.
/// </summary>
internal static class Luks2Validator
{
    private const ulong SectorSize = 512;
    private const ulong MaxKeyslotsSize = 0x8000000;
    private static readonly ulong[] MetadataSizes = [0x4000, 0x8000, 0x10000, 0x20000, 0x40000, 0x80000, 0x100000, 0x200000, 0x400000];

    /// <summary>Returns why cryptsetup rejects <paramref name="root"/> for a JSON area of <paramref name="jsonAreaSize"/>
    /// bytes, or null when it accepts it.</summary>
    public static string? Validate(JsonElement root, ulong jsonAreaSize)
    {
        if (root.ValueKind != JsonValueKind.Object) return "the JSON metadata is not an object";
        return Requirements(root) ?? Tokens(root) ?? Digests(root) ?? Segments(root) ?? Keyslots(root) ?? Config(root)
               ?? Areas(root) ?? JsonSize(root, jsonAreaSize) ?? KeyslotTypes(root);
    }

    private static string? Requirements(JsonElement root)
    {
        if (Get(root, "config", JsonValueKind.Object) is not { } config) return "config object is missing";
        if (!config.TryGetProperty("requirements", out var requirements)) return null;
        if (requirements.ValueKind != JsonValueKind.Object) return "config.requirements is not an object";
        if (!requirements.TryGetProperty("mandatory", out var mandatory)) return null;
        if (mandatory.ValueKind != JsonValueKind.Array) return "config.requirements.mandatory is not an array";
        var reencrypt = 0;
        foreach (var item in mandatory.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) return "config.requirements.mandatory holds a non-string";
            if (IsReencryptRequirement(item.GetString()!)) reencrypt++;
        }
        return reencrypt > 1 ? "more than one online-reencrypt requirement" : null;
    }

    private static string? Tokens(JsonElement root)
    {
        if (Get(root, "tokens", JsonValueKind.Object) is not { } tokens) return "tokens object is missing";
        var keyslots = root.TryGetProperty("keyslots", out var k) ? k : default;
        foreach (var token in tokens.EnumerateObject())
        {
            if (!Numbered(token.Name)) return $"token \"{Clip(token.Name)}\" is not numbered";
            if (NonEmptyString(token.Value, "type") is null) return $"token {token.Name} has no type";
            if (Get(token.Value, "keyslots", JsonValueKind.Array) is not { } array) return $"token {token.Name} has no keyslots array";
            if (MissingReference(array, keyslots) is { } missing) return $"token {token.Name} references {missing}";
        }
        return null;
    }

    private static string? Digests(JsonElement root)
    {
        if (Get(root, "digests", JsonValueKind.Object) is not { } digests) return "digests object is missing";
        if (Get(root, "keyslots", JsonValueKind.Object) is not { } keyslots) return "keyslots object is missing";
        if (Get(root, "segments", JsonValueKind.Object) is not { } segments) return "segments object is missing";
        foreach (var digest in digests.EnumerateObject())
        {
            if (!Numbered(digest.Name)) return $"digest \"{Clip(digest.Name)}\" is not numbered";
            if (NonEmptyString(digest.Value, "type") is null) return $"digest {digest.Name} has no type";
            if (Get(digest.Value, "keyslots", JsonValueKind.Array) is not { } ks) return $"digest {digest.Name} has no keyslots array";
            if (Get(digest.Value, "segments", JsonValueKind.Array) is not { } segs) return $"digest {digest.Name} has no segments array";
            if (MissingReference(ks, keyslots) is { } missingKeyslot) return $"digest {digest.Name} references {missingKeyslot}";
            if (MissingReference(segs, segments, "segment") is { } missingSegment) return $"digest {digest.Name} references {missingSegment}";
        }
        return null;
    }

    private static string? Segments(JsonElement root)
    {
        if (Get(root, "segments", JsonValueKind.Object) is not { } segments) return "segments object is missing";
        var digestSegments = Referenced(root, "segments");
        var count = 0;
        long firstBackup = -1;
        foreach (var segment in segments.EnumerateObject())
        {
            count++;
            var key = segment.Name;
            var s = segment.Value;
            if (!Numbered(key)) return $"segment \"{Clip(key)}\" is not numbered";
            if (NonEmptyString(s, "type") is not { } type) return $"segment {key} has no type";
            if (NonEmptyString(s, "offset") is not { } offsetText) return $"segment {key} has no offset";
            if (NonEmptyString(s, "size") is not { } sizeText) return $"segment {key} has no size";
            if (!Numbered(offsetText) || StrToU64(offsetText) is not { } offset) return $"segment {key} offset \"{Clip(offsetText)}\" is invalid";
            ulong size = 0;
            if (sizeText != "dynamic" && (!Numbered(sizeText) || StrToU64(sizeText) is not { } parsed || (size = parsed) == 0))
                return $"segment {key} size \"{Clip(sizeText)}\" is invalid";
            if (offset % SectorSize != 0) return $"segment {key} offset {offset} is not aligned to 512 bytes";
            if (size % SectorSize != 0) return $"segment {key} size {size} is not aligned to 512 bytes";
            if (s.TryGetProperty("flags", out var flags) && !IsStringArray(flags)) return $"segment {key} flags are not an array of strings";
            var index = Atoi(key);
            if (IsBackup(s))
            {
                if (firstBackup < 0 || index < firstBackup) firstBackup = index;
            }
            else if (firstBackup >= 0 && index >= firstBackup) return $"regular segment {index} follows backup segment {firstBackup}";
            if (type == "crypt" && CryptSegment(s, key, size, digestSegments) is { } crypt) return crypt;
            if (type.StartsWith("hw-opal", StringComparison.Ordinal))
            {
                if (size == 0) return $"segment {key} ({type}) has dynamic size";
                if (Get(s, "opal_segment_number", JsonValueKind.Number) is not { } n || !IsInteger(n) ||
                    Get(s, "opal_key_size", JsonValueKind.Number) is not { } ks || !IsInteger(ks))
                    return $"segment {key} ({type}) lacks opal_segment_number or opal_key_size";
                if (NonEmptyString(s, "opal_segment_size") is not { } rangeText || !Numbered(rangeText) ||
                    StrToU64(rangeText) is not { } range || range == 0)
                    return $"segment {key} ({type}) opal_segment_size is invalid";
                if (size > range) return $"segment {key} size overflows its OPAL locking range";
                if (type == "hw-opal-crypt" && CryptSegment(s, key, size, digestSegments) is { } opalCrypt) return opalCrypt;
            }
        }
        if (count == 0) return "segments object is empty";
        if (firstBackup == 0) return "no regular segment";
        if (firstBackup >= count) return $"gap before backup segment {firstBackup}";
        var regular = firstBackup < 0 ? count : (int)firstBackup;
        var intervals = new List<(ulong Offset, ulong Length, int Id)>(regular);
        for (var i = 0; i < regular; i++)
        {
            if (!segments.TryGetProperty(I(i), out var s)) return $"gap at segment {i}";
            var size = StrToU64(StringOf(s, "size")) ?? 0;
            intervals.Add((StrToU64(StringOf(s, "offset")) ?? 0, size == 0 ? ulong.MaxValue : size, i));
        }
        for (var i = 0; i < regular - 1; i++)
            if (intervals[i].Length == ulong.MaxValue) return $"segment {i} has dynamic size but is not the last regular segment";
        if (regular > 1 && intervals.Any(i => i.Length != ulong.MaxValue && i.Offset > ulong.MaxValue - i.Length))
            return "a segment's offset + size overflows";
        if (Overlap(intervals, unbounded: true) is { } overlap) return $"segment {overlap.A} overlaps segment {overlap.B}";
        for (var i = regular; i < count; i++)
            if (!segments.TryGetProperty(I(i), out _)) return $"gap at segment {i}";
        return null;
    }

    private static string? CryptSegment(JsonElement s, string key, ulong size, HashSet<string> digestSegments)
    {
        if (NonEmptyString(s, "iv_tweak") is not { } ivTweak) return $"segment {key} has no iv_tweak";
        if (NonEmptyString(s, "encryption") is null) return $"segment {key} has no encryption";
        if (Get(s, "sector_size", JsonValueKind.Number) is not { } sectorSize || !IsInteger(sectorSize)) return $"segment {key} has no integer sector_size";
        if (s.TryGetProperty("integrity", out var integrity) &&
            (integrity.ValueKind != JsonValueKind.Object || NonEmptyString(integrity, "type") is null ||
             NonEmptyString(integrity, "journal_encryption") is null || NonEmptyString(integrity, "journal_integrity") is null))
            return $"segment {key} integrity object is incomplete";
        if (Uint32(sectorSize) is not { } sector || sector == 0 || sector % SectorSize != 0) return $"segment {key} sector_size {Clip(sectorSize.GetRawText())} is invalid";
        if (!Numbered(ivTweak) || StrToU64(ivTweak) is null) return $"segment {key} iv_tweak \"{Clip(ivTweak)}\" is invalid";
        if (size % sector != 0) return $"segment {key} size is not aligned to its sector size {sector}";
        return digestSegments.Contains(key) ? null : $"crypt segment {key} is not assigned to a digest";
    }

    private static string? Keyslots(JsonElement root)
    {
        if (Get(root, "keyslots", JsonValueKind.Object) is not { } keyslots) return "keyslots object is missing";
        foreach (var keyslot in keyslots.EnumerateObject())
        {
            if (!Numbered(keyslot.Name)) return $"keyslot \"{Clip(keyslot.Name)}\" is not numbered";
            if (NonEmptyString(keyslot.Value, "type") is null) return $"keyslot {keyslot.Name} has no type";
            if (Get(keyslot.Value, "key_size", JsonValueKind.Number) is not { } keySize || !IsInteger(keySize) || Uint32(keySize) is null)
                return $"keyslot {keyslot.Name} key_size is not a 32-bit unsigned integer";
        }
        return null;
    }

    private static string? Config(JsonElement root)
    {
        var config = root.GetProperty("config");
        if (NonEmptyString(config, "json_size") is not { } jsonSizeText || StrToU64(jsonSizeText) is not { } jsonSize) return "config.json_size is invalid";
        if (NonEmptyString(config, "keyslots_size") is not { } keyslotsText || StrToU64(keyslotsText) is not { } keyslotsSize) return "config.keyslots_size is invalid";
        var metadataSize = jsonSize + 4096;
        if (Array.IndexOf(MetadataSizes, metadataSize) < 0) return $"metadata size {metadataSize} (json_size + 4096) is not a LUKS2 header size";
        if (keyslotsSize % 4096 != 0 || keyslotsSize > MaxKeyslotsSize) return $"keyslots_size {keyslotsSize} is not 4096-aligned or exceeds 128 MiB";
        var segmentOffset = MinimalSegmentOffset(root.GetProperty("segments"));
        if (segmentOffset != 0 && (segmentOffset < keyslotsSize || segmentOffset - keyslotsSize < 2 * metadataSize))
            return $"keyslots_size {keyslotsSize} runs into the data at offset {segmentOffset}";
        if (config.TryGetProperty("flags", out var flags) && !IsStringArray(flags)) return "config.flags is not an array of strings";
        return null;
    }

    private static string? Areas(JsonElement root)
    {
        var keyslots = root.GetProperty("keyslots");
        var config = root.GetProperty("config");
        var metadataSize = StrToU64(StringOf(config, "json_size"))!.Value + 4096;
        var areasEnd = 2 * metadataSize + StrToU64(StringOf(config, "keyslots_size"))!.Value;
        var intervals = new List<(ulong Offset, ulong Length, int Id)>();
        foreach (var keyslot in keyslots.EnumerateObject())
        {
            var name = keyslot.Name;
            if (Get(keyslot.Value, "area", JsonValueKind.Object) is not { } area || NonEmptyString(area, "type") is null)
                return $"keyslot {name} has no area";
            if (NonEmptyString(area, "offset") is not { } offsetText || NonEmptyString(area, "size") is not { } sizeText ||
                !Numbered(offsetText) || !Numbered(sizeText) || StrToU64(offsetText) is not { } offset || StrToU64(sizeText) is not { } length)
                return $"keyslot {name} area offset or size is invalid";
            if (offset < 2 * metadataSize) return $"keyslot {name} area at {offset} lies in the header space (below {2 * metadataSize})";
            if (length == 0) return $"keyslot {name} area is empty";
            if (offset > ulong.MaxValue - length) return $"keyslot {name} area offset + size overflows";
            if (offset + length > areasEnd) return $"keyslot {name} area [{offset}, {offset + length}) runs past the keyslots area (ends at {areasEnd})";
            intervals.Add((offset, length, Atoi(name)));
        }
        return Overlap(intervals, unbounded: false) is { } o ? $"keyslot {o.A} area overlaps keyslot {o.B}" : null;
    }

    private static string? JsonSize(JsonElement root, ulong jsonAreaSize)
    {
        var declared = StrToU64(StringOf(root.GetProperty("config"), "json_size"));
        return declared == jsonAreaSize ? null : $"config.json_size {declared} does not match the binary header's JSON area of {jsonAreaSize} bytes";
    }

    private static string? KeyslotTypes(JsonElement root)
    {
        var digestCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var digest in root.GetProperty("digests").EnumerateObject())
            foreach (var slot in digest.Value.GetProperty("keyslots").EnumerateArray().Select(e => e.GetString()!).Distinct())
                digestCounts[slot] = digestCounts.GetValueOrDefault(slot) + 1;
        var reencrypt = 0;
        foreach (var keyslot in root.GetProperty("keyslots").EnumerateObject())
        {
            var k = keyslot.Value;
            switch (StringOf(k, "type"))
            {
                case "luks2":
                    if (Luks2Keyslot(k) is { } problem) return $"keyslot {keyslot.Name}: {problem}";
                    var digests = digestCounts.GetValueOrDefault(I(Atoi(keyslot.Name)));
                    if (digests != 1) return $"keyslot {keyslot.Name} is assigned to {digests} digests (exactly 1 required)";
                    break;
                case "reencrypt":
                    if (ReencryptKeyslot(k) is { } reencProblem) return $"keyslot {keyslot.Name}: {reencProblem}";
                    reencrypt++;
                    break;
            }
        }
        var mandatory = MandatoryRequirements(root);
        if (mandatory.Any(r => r.StartsWith("online-reencrypt", StringComparison.Ordinal)) && reencrypt == 0) return "online-reencrypt requirement without a reencrypt keyslot";
        if (reencrypt > 0 && !mandatory.Any(IsReencryptRequirement)) return "reencrypt keyslot without an online-reencrypt requirement";
        return reencrypt > 1 ? "more than one reencrypt keyslot" : null;
    }

    private static string? Luks2Keyslot(JsonElement k)
    {
        if (Get(k, "kdf", JsonValueKind.Object) is not { } kdf) return "kdf is not an object";
        if (Get(k, "af", JsonValueKind.Object) is not { } af) return "af is not an object";
        if (Get(k, "area", JsonValueKind.Object) is not { } area) return "area is not an object";
        if (NonEmptyString(kdf, "type") is not { } kdfType) return "kdf has no type";
        // cryptsetup first drops fields another KDF left behind, then requires exactly these.
        if (kdfType == "pbkdf2" && (NonEmptyString(kdf, "hash") is null || !IntegerField(kdf, "iterations") || NonEmptyString(kdf, "salt") is null))
            return "pbkdf2 kdf lacks hash, iterations or salt";
        if (kdfType is "argon2i" or "argon2id" &&
            (!IntegerField(kdf, "time") || !IntegerField(kdf, "memory") || !IntegerField(kdf, "cpus") || NonEmptyString(kdf, "salt") is null))
            return $"{kdfType} kdf lacks time, memory, cpus or salt";
        if (NonEmptyString(af, "type") is not { } afType) return "af has no type";
        if (afType != "luks1") return $"af type \"{Clip(afType)}\" is unknown";
        if (NonEmptyString(af, "hash") is null || !IntegerField(af, "stripes")) return "luks1 af lacks hash or stripes";
        if (NonEmptyString(area, "type") is not { } areaType) return "area has no type";
        if (areaType != "raw") return $"area type \"{Clip(areaType)}\" is not raw";
        if (NonEmptyString(area, "encryption") is null || !IntegerField(area, "key_size")) return "raw area lacks encryption or key_size";
        return null;
    }

    private static string? ReencryptKeyslot(JsonElement k)
    {
        if (Get(k, "key_size", JsonValueKind.Number) is not { } keySize || Uint32(keySize) != 1) return "reencrypt key_size is not 1";
        if (NonEmptyString(k, "mode") is not ("reencrypt" or "encrypt" or "decrypt")) return "reencrypt mode is invalid";
        if (NonEmptyString(k, "direction") is not ("forward" or "backward")) return "reencrypt direction is invalid";
        return null;
    }

    private static List<string> MandatoryRequirements(JsonElement root) =>
        root.GetProperty("config").TryGetProperty("requirements", out var r) && r.TryGetProperty("mandatory", out var m)
            ? m.EnumerateArray().Select(e => e.GetString()!).ToList()
            : [];

    private static bool IsReencryptRequirement(string flag) =>
        flag == "online-reencrypt" ||
        (flag.Length > 18 && flag.StartsWith("online-reencrypt-v", StringComparison.Ordinal) && flag[18..].All(char.IsAsciiDigit));

    /// <summary>The lowest offset of a regular (non-backup) segment, 0 when one starts at 0 (detached header).</summary>
    private static ulong MinimalSegmentOffset(JsonElement segments)
    {
        var min = ulong.MaxValue;
        foreach (var s in segments.EnumerateObject().Where(s => !IsBackup(s.Value)))
        {
            var offset = StrToU64(StringOf(s.Value, "offset")) ?? 0;
            if (offset == 0) return 0;
            min = Math.Min(min, offset);
        }
        return min;
    }

    /// <summary>Whether any interval starts inside another (cryptsetup's pairwise test), found after sorting.</summary>
    private static (int A, int B)? Overlap(List<(ulong Offset, ulong Length, int Id)> intervals, bool unbounded)
    {
        var sorted = intervals.OrderBy(i => i.Offset).ToList();
        for (var i = 1; i < sorted.Count; i++)
        {
            var (prev, next) = (sorted[i - 1], sorted[i]);
            var prevEnd = unbounded && prev.Length == ulong.MaxValue ? ulong.MaxValue
                : prev.Offset > ulong.MaxValue - prev.Length ? ulong.MaxValue : prev.Offset + prev.Length;
            if (next.Offset == prev.Offset || next.Offset < prevEnd) return (Math.Max(prev.Id, next.Id), Math.Min(prev.Id, next.Id));
        }
        return null;
    }

    private static HashSet<string> Referenced(JsonElement root, string array)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var digest in root.GetProperty("digests").EnumerateObject())
            foreach (var item in digest.Value.GetProperty(array).EnumerateArray())
                set.Add(item.GetString()!);
        return set;
    }

    private static string? MissingReference(JsonElement array, JsonElement targets, string what = "keyslot")
    {
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) return $"a non-string {what}";
            if (targets.ValueKind != JsonValueKind.Object || Get(targets, item.GetString()!, JsonValueKind.Object) is null)
                return $"missing {what} {Clip(item.GetString()!)}";
        }
        return null;
    }

    private static bool IsBackup(JsonElement segment) =>
        segment.ValueKind == JsonValueKind.Object && segment.TryGetProperty("flags", out var flags) && flags.ValueKind == JsonValueKind.Array &&
        flags.EnumerateArray().Any(f => f.ValueKind == JsonValueKind.String && f.GetString()!.StartsWith("backup-", StringComparison.Ordinal));

    private static JsonElement? Get(JsonElement obj, string name, JsonValueKind kind) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == kind ? v : null;

    private static string? NonEmptyString(JsonElement obj, string name) =>
        Get(obj, name, JsonValueKind.String) is { } v && v.GetString() is { Length: > 0 } s ? s : null;

    private static string StringOf(JsonElement obj, string name) => NonEmptyString(obj, name) ?? "";

    private static bool IntegerField(JsonElement obj, string name) => Get(obj, name, JsonValueKind.Number) is { } v && IsInteger(v);

    /// <summary>json-c's integer type: a number written without fraction or exponent.</summary>
    private static bool IsInteger(JsonElement number) => number.GetRawText().AsSpan().IndexOfAny('.', 'e', 'E') < 0;

    private static ulong? Uint32(JsonElement number) =>
        IsInteger(number) && number.TryGetInt64(out var v) && v is >= 0 and <= uint.MaxValue ? (ulong)v : null;

    private static bool IsStringArray(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array && e.EnumerateArray().All(i => i.ValueKind == JsonValueKind.String);

    /// <summary>cryptsetup's <c>numbered()</c>: every character a digit (the empty string passes).</summary>
    private static bool Numbered(string s) => s.All(char.IsAsciiDigit);

    /// <summary><c>strtoull</c> as cryptsetup calls it: the whole string must be consumed and in range.</summary>
    internal static ulong? StrToU64(string s)
    {
        var span = s.AsSpan().TrimStart(" \t\n\v\f\r");
        var negative = span.Length > 0 && span[0] == '-';
        if (span.Length > 0 && span[0] is '+' or '-') span = span[1..];
        if (span.Length == 0) return s.Length == 0 ? 0 : null;
        if (!ulong.TryParse(span, NumberStyles.None, CultureInfo.InvariantCulture, out var v)) return null;
        return negative ? unchecked(0 - v) : v;
    }

    private static int Atoi(string key) =>
        int.TryParse(key.Length > 9 ? key[..9] : key, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;

    private static string I(int i) => i.ToString(CultureInfo.InvariantCulture);

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
