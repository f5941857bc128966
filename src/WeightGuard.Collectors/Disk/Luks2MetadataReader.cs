using System.Globalization;
using System.Text.Json;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Disk;

/// <summary>
/// Reads the LUKS2 JSON area (NUL-terminated text after the 4096-byte binary header) into <see cref="Luks2Metadata"/>.
/// 64-bit values (offsets, sizes) are JSON strings as the specification demands; errors name the JSON path and the
/// offset of the JSON area (or of the syntax error).
/// </summary>
internal static class Luks2MetadataReader
{
    /// <summary>Object ids in keyslots, tokens, segments and digests are small decimal strings (LUKS2 allows 32 of each).</summary>
    private const int MaxObjectId = 31;

    public static Luks2Metadata Read(byte[] area, long copyOffset)
    {
        var jsonStart = copyOffset + LuksHeaderParser.Luks2BinaryHeaderSize;
        var json = area.AsMemory(LuksHeaderParser.Luks2BinaryHeaderSize);
        var end = json.Span.IndexOf((byte)0);
        if (end < 0) throw new LuksFormatException(copyOffset + area.Length, "JSON area has no NUL terminator");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json[..end], new JsonDocumentOptions { MaxDepth = LuksHeaderParser.MaxJsonDepth });
        }
        catch (JsonException e)
        {
            throw new LuksFormatException(LuksHeaderParser.JsonErrorOffset(json.Span[..end], jsonStart, e),
                $"JSON area is not valid JSON: {FirstSentence(e.Message)}");
        }
        using (document)
        {
            var j = new JsonFields(jsonStart);
            var root = document.RootElement;
            j.Expect(root, JsonValueKind.Object, "$");
            return new Luks2Metadata(
                Keyslots: j.Objects(root, "keyslots", "$", Keyslot),
                Segments: j.Objects(root, "segments", "$", Segment),
                Digests: j.Objects(root, "digests", "$", Digest),
                Tokens: j.Objects(root, "tokens", "$", (jf, id, e, path) => Luks2TokenReader.Read(jf, id, e, path)),
                Config: Config(j, j.Required(root, "config", "$", JsonValueKind.Object), "$.config"));
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }

    private static Luks2Keyslot Keyslot(JsonFields j, int id, JsonElement e, string path)
    {
        var area = j.Required(e, "area", path, JsonValueKind.Object);
        var areaPath = path + ".area";
        var kdf = e.TryGetProperty("kdf", out var k) ? Kdf(j, k, path + ".kdf") : null;
        var af = e.TryGetProperty("af", out var a) ? new Luks2Af(j.String(a, "type", path + ".af"),
            j.Int(a, "stripes", path + ".af"), j.String(a, "hash", path + ".af")) : null;
        return new Luks2Keyslot(id, j.String(e, "type", path), j.Int(e, "key_size", path), j.OptionalInt(e, "priority", path),
            af, new Luks2Area(j.String(area, "type", areaPath), j.U64String(area, "offset", areaPath), j.U64String(area, "size", areaPath),
                j.OptionalString(area, "encryption", areaPath), j.OptionalInt(area, "key_size", areaPath)), kdf);
    }

    private static PbkdfSummary Kdf(JsonFields j, JsonElement k, string path)
    {
        j.Expect(k, JsonValueKind.Object, path);
        var type = j.String(k, "type", path);
        return type == "pbkdf2"
            ? new PbkdfSummary(type, j.String(k, "hash", path), j.Long(k, "iterations", path), null, null, null)
            : new PbkdfSummary(type, null, null, j.OptionalLong(k, "time", path), j.OptionalLong(k, "memory", path), j.OptionalLong(k, "cpus", path));
    }

    private static Luks2Segment Segment(JsonFields j, int id, JsonElement e, string path)
    {
        var type = j.String(e, "type", path);
        var size = j.String(e, "size", path);
        ulong? bytes = size == "dynamic" ? null : j.ParseU64(size, path + ".size");
        string? integrity = null;
        if (e.TryGetProperty("integrity", out var i) && i.ValueKind == JsonValueKind.Object) integrity = j.String(i, "type", path + ".integrity");
        return new Luks2Segment(id, type, j.U64String(e, "offset", path), bytes,
            type == "crypt" ? j.String(e, "encryption", path) : j.OptionalString(e, "encryption", path),
            j.OptionalInt(e, "sector_size", path) ?? 512, integrity);
    }

    private static Luks2Digest Digest(JsonFields j, int id, JsonElement e, string path) =>
        new(id, j.String(e, "type", path), j.StringArray(e, "keyslots", path), j.StringArray(e, "segments", path),
            j.OptionalString(e, "hash", path), j.OptionalLong(e, "iterations", path));

    private static Luks2Config Config(JsonFields j, JsonElement e, string path) =>
        new(j.U64String(e, "json_size", path), j.U64String(e, "keyslots_size", path),
            e.TryGetProperty("flags", out _) ? j.StringArray(e, "flags", path) : [],
            e.TryGetProperty("requirements", out var r) && r.ValueKind == JsonValueKind.Object && r.TryGetProperty("mandatory", out _)
                ? j.StringArray(r, "mandatory", path + ".requirements") : []);

    /// <summary>Typed field access that turns every shape error into a <see cref="LuksFormatException"/> at the JSON area.</summary>
    internal readonly struct JsonFields(long jsonStart)
    {
        public LuksFormatException Error(string path, string problem) => new(jsonStart, $"JSON {path}: {problem}");

        public void Expect(JsonElement e, JsonValueKind kind, string path)
        {
            if (e.ValueKind != kind) throw Error(path, $"expected {Name(kind)}, found {Name(e.ValueKind)}");
        }

        public JsonElement Required(JsonElement parent, string name, string path, JsonValueKind kind)
        {
            if (!parent.TryGetProperty(name, out var value)) throw Error(path, $"missing \"{name}\"");
            Expect(value, kind, $"{path}.{name}");
            return value;
        }

        /// <summary>An object keyed by decimal ids ("0".."31"), each value an object read by <paramref name="read"/>, in id order.</summary>
        public IReadOnlyList<T> Objects<T>(JsonElement parent, string name, string path, Func<JsonFields, int, JsonElement, string, T> read)
        {
            var obj = Required(parent, name, path, JsonValueKind.Object);
            var items = new SortedList<int, T>();
            foreach (var member in obj.EnumerateObject())
            {
                var itemPath = $"{path}.{name}.{member.Name}";
                if (!int.TryParse(member.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id > MaxObjectId)
                    throw Error(itemPath, $"id is not a number from 0 to {MaxObjectId}");
                if (items.ContainsKey(id)) throw Error(itemPath, "duplicate id");
                Expect(member.Value, JsonValueKind.Object, itemPath);
                items.Add(id, read(this, id, member.Value, itemPath));
            }
            return items.Values.ToList();
        }

        public string String(JsonElement e, string name, string path) => Required(e, name, path, JsonValueKind.String).GetString()!;

        public string? OptionalString(JsonElement e, string name, string path)
        {
            if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            Expect(v, JsonValueKind.String, $"{path}.{name}");
            return v.GetString();
        }

        public bool? OptionalBool(JsonElement e, string name, string path)
        {
            if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw Error($"{path}.{name}", $"expected a boolean, found {Name(v.ValueKind)}");
            return v.GetBoolean();
        }

        public long Long(JsonElement e, string name, string path) => Number(Required(e, name, path, JsonValueKind.Number), $"{path}.{name}");

        public long? OptionalLong(JsonElement e, string name, string path)
        {
            if (!e.TryGetProperty(name, out var v)) return null;
            Expect(v, JsonValueKind.Number, $"{path}.{name}");
            return Number(v, $"{path}.{name}");
        }

        public int Int(JsonElement e, string name, string path) => (int)Math.Clamp(Long(e, name, path), int.MinValue, int.MaxValue);

        public int? OptionalInt(JsonElement e, string name, string path) =>
            OptionalLong(e, name, path) is { } v ? (int)Math.Clamp(v, int.MinValue, int.MaxValue) : null;

        public ulong U64String(JsonElement e, string name, string path) => ParseU64(String(e, name, path), $"{path}.{name}");

        public ulong ParseU64(string text, string path) =>
            ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw Error(path, $"\"{Clip(text)}\" is not a 64-bit decimal string");

        public IReadOnlyList<string> StringArray(JsonElement e, string name, string path)
        {
            var array = Required(e, name, path, JsonValueKind.Array);
            var list = new List<string>(array.GetArrayLength());
            foreach (var item in array.EnumerateArray())
            {
                Expect(item, JsonValueKind.String, $"{path}.{name}[]");
                list.Add(item.GetString()!);
            }
            return list;
        }

        public IReadOnlyList<int>? OptionalIntArray(JsonElement e, string name, string path)
        {
            if (!e.TryGetProperty(name, out var array)) return null;
            Expect(array, JsonValueKind.Array, $"{path}.{name}");
            var list = new List<int>(array.GetArrayLength());
            foreach (var item in array.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var v))
                    throw Error($"{path}.{name}[]", "expected an integer");
                list.Add(v);
            }
            return list;
        }

        private long Number(JsonElement v, string path) =>
            v.TryGetInt64(out var n) ? n : throw Error(path, "number is not a 64-bit integer");

        private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";

        private static string Name(JsonValueKind kind) => kind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Null => "null",
            _ => "nothing",
        };
    }
}
