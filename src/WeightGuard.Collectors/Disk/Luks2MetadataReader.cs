using System.Globalization;
using System.Text.Json;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Disk;

/// <summary>
/// Reads one LUKS2 JSON area (NUL-terminated text after the 4096-byte binary header) into <see cref="Luks2Metadata"/>:
/// first the area rules cryptsetup enforces (opens with <c>{</c>, one JSON object, nothing but NUL bytes after it),
/// then its metadata validation (<see cref="Luks2Validator"/>), then the fields, leniently where cryptsetup does not
/// validate them. Every refusal is a <see cref="LuksFormatException"/> at the JSON area (or at the offending byte).
/// </summary>
internal static class Luks2MetadataReader
{
    /// <summary>LUKS2 has 32 keyslots, tokens and digests at most; cryptsetup ignores objects beyond that.</summary>
    private const int MaxObjectId = 31;

    public static Luks2Metadata Read(byte[] area, long copyOffset, ulong jsonAreaSize)
    {
        var jsonStart = copyOffset + LuksHeaderParser.Luks2BinaryHeaderSize;
        var json = area.AsMemory(LuksHeaderParser.Luks2BinaryHeaderSize);
        if (json.Length == 0 || json.Span[0] != (byte)'{') throw new LuksFormatException(jsonStart, "JSON area does not start with '{'");
        var end = json.Span.IndexOf((byte)0);
        if (end < 0) throw new LuksFormatException(copyOffset + area.Length, "JSON area has no NUL terminator");
        var stray = json.Span[end..].IndexOfAnyExcept((byte)0);
        if (stray >= 0) throw new LuksFormatException(jsonStart + end + stray, "non-NUL byte after the JSON text");
        if (json.Span[end - 1] != (byte)'}') throw new LuksFormatException(jsonStart + end - 1, "bytes after the JSON object");
        var text = LuksJson.ValidUtf8(json[..end]);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = LuksHeaderParser.MaxJsonDepth });
        }
        catch (JsonException e)
        {
            throw new LuksFormatException(LuksHeaderParser.JsonErrorOffset(text.Span, jsonStart, e),
                $"JSON area is not valid JSON: {FirstSentence(e.Message)}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (Luks2Validator.Validate(root, jsonAreaSize) is { } problem) throw new LuksFormatException(jsonStart, problem);
            return new Luks2Metadata(
                Keyslots: Objects(root, "keyslots", Keyslot),
                Segments: Objects(root, "segments", Segment),
                Digests: Objects(root, "digests", Digest),
                Tokens: Objects(root, "tokens", Luks2TokenReader.Read),
                Config: Config(root.GetProperty("config")));
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }

    /// <summary>The objects of a validated section with ids 0–31, in id order (the first of duplicate ids).</summary>
    private static IReadOnlyList<T> Objects<T>(JsonElement root, string name, Func<int, JsonElement, T> read)
    {
        var items = new SortedList<int, T>();
        foreach (var member in root.GetProperty(name).EnumerateObject())
        {
            if (!int.TryParse(member.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id > MaxObjectId) continue;
            if (member.Value.ValueKind == JsonValueKind.Object) items.TryAdd(id, read(id, member.Value));
        }
        return items.Values.ToList();
    }

    private static Luks2Keyslot Keyslot(int id, JsonElement e)
    {
        var area = e.GetProperty("area");
        var af = LuksJson.Object(e, "af") is { } a ? new Luks2Af(LuksJson.String(a, "type"), LuksJson.Int(a, "stripes"), LuksJson.String(a, "hash")) : null;
        return new Luks2Keyslot(id, LuksJson.String(e, "type")!, LuksJson.Int(e, "key_size") ?? 0, LuksJson.Int(e, "priority"), af,
            new Luks2Area(LuksJson.String(area, "type")!, LuksJson.U64String(area, "offset") ?? 0, LuksJson.U64String(area, "size") ?? 0,
                LuksJson.String(area, "encryption"), LuksJson.Int(area, "key_size")),
            LuksJson.Object(e, "kdf") is { } k ? Kdf(k) : null);
    }

    private static PbkdfSummary? Kdf(JsonElement k) => LuksJson.String(k, "type") switch
    {
        null => null,
        "pbkdf2" => new PbkdfSummary("pbkdf2", LuksJson.String(k, "hash"), LuksJson.Long(k, "iterations"), null, null, null),
        var type => new PbkdfSummary(type, null, null, LuksJson.Long(k, "time"), LuksJson.Long(k, "memory"), LuksJson.Long(k, "cpus")),
    };

    private static Luks2Segment Segment(int id, JsonElement e)
    {
        var size = LuksJson.String(e, "size");
        return new Luks2Segment(id, LuksJson.String(e, "type")!, LuksJson.U64String(e, "offset") ?? 0,
            size == "dynamic" ? null : LuksJson.U64String(e, "size"), LuksJson.String(e, "encryption"),
            LuksJson.Int(e, "sector_size") ?? 512, LuksJson.Object(e, "integrity") is { } i ? LuksJson.String(i, "type") : null,
            LuksJson.Strings(e, "flags"), LuksJson.Int(e, "opal_key_size") is { } opalBytes ? opalBytes * 8 : null);
    }

    private static Luks2Digest Digest(int id, JsonElement e) =>
        new(id, LuksJson.String(e, "type")!, LuksJson.Strings(e, "keyslots"), LuksJson.Strings(e, "segments"),
            LuksJson.String(e, "hash"), LuksJson.Long(e, "iterations"));

    private static Luks2Config Config(JsonElement e) =>
        new(LuksJson.U64String(e, "json_size") ?? 0, LuksJson.U64String(e, "keyslots_size") ?? 0, LuksJson.Strings(e, "flags"),
            LuksJson.Object(e, "requirements") is { } r ? LuksJson.Strings(r, "mandatory") : []);
}
