using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace WeightGuard.Fuzz.Luks;

/// <summary>
/// Deterministic, LUKS-aware mutations (the same seed gives the same inputs): byte-level changes anywhere, integers that
/// matter at the binary header's fields, and structural edits of the LUKS2 JSON (values replaced by values of other
/// types, members deleted, duplicated or added, deep nesting), after which the header checksums are usually recomputed
/// so that the input reaches metadata validation instead of stopping at the checksum.
/// </summary>
public sealed class LuksMutator(int seed)
{
    private const int ChecksumOffset = 448;
    private readonly Random _random = new(seed);

    private static readonly string[] Values =
    [
        "42", "-1", "0", "1.5", "1e3", "18446744073709551616", "null", "true", "\"\"", "\"x\"", "\"0\"", "\"-512\"", "\"511\"",
        "\"dynamic\"", "\"18446744073709551615\"", "\"18446744073709551104\"", "\"4096\"", "{}", "[]", "[\"0\"]", "[1,\"a\"]",
        "{\"type\":\"luks2\"}", "{\"type\":\"hw-opal\",\"offset\":\"0\",\"size\":\"512\"}", new string('[', 40) + new string(']', 40),
        "\"AAAA\"", "{\"pin\":\"sss\",\"sss\":{\"t\":\"1\",\"jwe\":[\"x\"]}}",
    ];

    private static readonly string[] Keys =
    [
        "type", "offset", "size", "flags", "encryption", "sector_size", "iv_tweak", "keyslots", "segments", "digests", "tokens",
        "config", "kdf", "af", "area", "key_size", "priority", "integrity", "requirements", "mandatory", "json_size",
        "keyslots_size", "0", "1", "7", "31", "32", "opal_segment_size", "opal_key_size", "jwe", "tpm2-pcrs", "pcr_ids",
    ];

    private static readonly ulong[] Interesting = [0, 1, 2, 3, 0x4000, 0x8000, 0x10000, 0x400000, 0x400001, 0x3fff, 4096, 0xffffffff, ulong.MaxValue, 1UL << 40];

    /// <summary>A mutant of <paramref name="input"/>, sometimes spliced with another input of <paramref name="corpus"/>.</summary>
    public byte[] Mutate(byte[] input, IReadOnlyList<byte[]> corpus)
    {
        var data = (byte[])input.Clone();
        var rounds = 1 + _random.Next(4);
        for (var i = 0; i < rounds; i++)
        {
            data = _random.Next(12) switch
            {
                < 5 => MutateJson(data),
                5 => FlipBits(data),
                6 => SetField(data),
                7 => Truncate(data),
                8 => Splice(data, corpus[_random.Next(corpus.Count)]),
                9 => CopyPrimaryToSecondary(data),
                _ => SetBytes(data),
            };
        }
        if (_random.Next(5) != 0) FixChecksums(data);
        return data;
    }

    private byte[] FlipBits(byte[] data)
    {
        if (data.Length == 0) return data;
        for (var i = 1 + _random.Next(8); i > 0; i--) data[_random.Next(data.Length)] ^= (byte)(1 << _random.Next(8));
        return data;
    }

    private byte[] SetBytes(byte[] data)
    {
        if (data.Length == 0) return data;
        var at = _random.Next(data.Length);
        var run = Math.Min(data.Length - at, 1 + _random.Next(16));
        var value = (byte)(_random.Next(3) switch { 0 => 0, 1 => 0xff, _ => _random.Next(256) });
        data.AsSpan(at, run).Fill(value);
        return data;
    }

    /// <summary>An interesting integer at a binary header field: LUKS2 version, hdr_size, seqid, hdr_offset (either
    /// copy); LUKS1 payload offset, key bytes, a key slot's state, iterations, material offset or stripes.</summary>
    private byte[] SetField(byte[] data)
    {
        var slot = 208 + 48 * _random.Next(8);
        (int At, int Width)[] fields = [(6, 2), (8, 8), (16, 8), (256, 8), (104, 4), (108, 4), (slot, 4), (slot + 4, 4), (slot + 40, 4), (slot + 44, 4)];
        var (at, width) = fields[_random.Next(fields.Length)];
        if (width != 4 && _random.Next(2) == 0) at += HdrSize(data);
        if (at + width > data.Length) return data;
        var value = Interesting[_random.Next(Interesting.Length)];
        switch (width)
        {
            case 2: BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(at), (ushort)value); break;
            case 4: BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(at), (uint)value); break;
            default: BinaryPrimitives.WriteUInt64BigEndian(data.AsSpan(at), value); break;
        }
        return data;
    }

    private byte[] Truncate(byte[] data) => data.Length < 2 ? data : data[.._random.Next(data.Length)];

    private byte[] Splice(byte[] data, byte[] other)
    {
        if (other.Length == 0 || data.Length == 0) return data;
        var at = _random.Next(Math.Min(data.Length, other.Length));
        var run = Math.Min(Math.Min(data.Length, other.Length) - at, 1 + _random.Next(4096));
        other.AsSpan(at, run).CopyTo(data.AsSpan(at));
        return data;
    }

    private static byte[] CopyPrimaryToSecondary(byte[] data)
    {
        var size = HdrSize(data);
        if (size == 0 || 2 * size > data.Length) return data;
        data.AsSpan(4096, size - 4096).CopyTo(data.AsSpan(size + 4096));
        return data;
    }

    /// <summary>Edits the JSON of one copy (or both) structurally; unparsable JSON gets a byte-level edit instead.</summary>
    private byte[] MutateJson(byte[] data)
    {
        var size = HdrSize(data);
        if (size == 0 || size > data.Length) return SetBytes(data);
        var area = data.AsSpan(4096, size - 4096);
        var end = area.IndexOf((byte)0);
        byte[] text;
        try
        {
            text = EditJson(Encoding.UTF8.GetString(end < 0 ? area : area[..end]));
        }
        catch (Exception)
        {
            // JSON that System.Text.Json will not edit (broken, too deep, duplicate keys): edit bytes instead.
            return SetBytes(data);
        }
        if (text.Length >= size - 4096) return data;
        var both = _random.Next(3) != 0 && 2 * size <= data.Length;
        foreach (var copy in both ? [0, size] : new[] { 0 })
        {
            var json = data.AsSpan(copy + 4096, size - 4096);
            json.Clear();
            text.CopyTo(json);
        }
        return data;
    }

    /// <summary>One structural edit of the JSON text: a value replaced by one of another type, a member deleted or
    /// added, an array item duplicated or removed.</summary>
    private byte[] EditJson(string json)
    {
        var root = JsonNode.Parse(json) ?? throw new FormatException("null JSON");
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var target = nodes[_random.Next(nodes.Count)];
        switch (_random.Next(4))
        {
            case 0 when target.Parent is not null:
                Replace(target, JsonNode.Parse(Values[_random.Next(Values.Length)]));
                break;
            case 1 when target.Parent is JsonObject parent:
                parent.Remove(target.GetPropertyName());
                break;
            case 2 when target is JsonObject obj:
                obj[Keys[_random.Next(Keys.Length)]] = JsonNode.Parse(Values[_random.Next(Values.Length)]);
                break;
            case 3 when target.Parent is JsonArray array:
                array.Add(target.DeepClone());
                break;
            default:
                if (target is JsonArray a && a.Count > 0) a.RemoveAt(_random.Next(a.Count));
                break;
        }
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private static void Replace(JsonNode target, JsonNode? value)
    {
        switch (target.Parent)
        {
            case JsonObject o:
                o[target.GetPropertyName()] = value;
                break;
            case JsonArray a:
                a[a.IndexOf(target)] = value;
                break;
        }
    }

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        nodes.Add(node);
        if (node is JsonObject o) foreach (var (_, child) in o) { if (child is not null) Collect(child, nodes); }
        else if (node is JsonArray a) foreach (var child in a) { if (child is not null) Collect(child, nodes); }
    }

    /// <summary>The primary's hdr_size when it is a plausible LUKS2 size, else 0.</summary>
    private static int HdrSize(byte[] data)
    {
        if (data.Length < 16) return 0;
        var size = BinaryPrimitives.ReadUInt64BigEndian(data.AsSpan(8));
        return size is >= 0x4000 and <= 0x400000 ? (int)size : 0;
    }

    /// <summary>Recomputes the SHA-256 checksum of each LUKS2 copy that fits in the input.</summary>
    public static void FixChecksums(byte[] data)
    {
        var size = HdrSize(data);
        if (size == 0) return;
        foreach (var copy in new[] { 0, size })
        {
            if (copy + size > data.Length) continue;
            var area = data.AsSpan(copy, size);
            area.Slice(ChecksumOffset, 64).Clear();
            SHA256.HashData(area).CopyTo(area[ChecksumOffset..]);
        }
    }
}
