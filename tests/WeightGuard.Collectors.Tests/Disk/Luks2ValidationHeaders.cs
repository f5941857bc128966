using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WeightGuard.Collectors.Tests.Disk;

/// <summary>
/// WeightGuard's own re-implementation of the header mutations that cryptsetup's <c>tests/generators/*.sh</c> apply
/// to its valid LUKS2 test header before <c>tests/luks2-validation-test</c> runs <c>cryptsetup luksDump</c> on each
/// (no cryptsetup code or data is copied: the base image is written by the local <c>cryptsetup luksFormat</c> and each
/// generator's documented step is redone here). Each header carries the result cryptsetup's test expects of it:
/// <c>R</c> (loads, possibly from the other copy) or <c>F</c> (fails).
/// </summary>
public static class Luks2ValidationHeaders
{
    /// <summary>Size of the base image and of its LUKS2 header copies, as in cryptsetup's valid test header.</summary>
    public const int ImageSize = 16 << 20, HdrSize = 16384, JsonSize = HdrSize - 4096, KeyslotsSize = 4161536;

    /// <summary>One generated header: its generator's name, cryptsetup's expected result, and the mutation.</summary>
    public sealed record Generator(string Name, char Expected, Action<Image> Mutate)
    {
        public override string ToString() => Name;
    }

    /// <summary>luksFormat arguments for the base header: 16 KiB metadata, data at 4 MiB, 512-byte sectors, argon2id
    /// (fast), eight keyslots added by luksAddKey.</summary>
    public static readonly string[] BaseFormat =
    [
        "--type", "luks2", "--cipher", "aes-xts-plain64", "--key-size", "256", "--sector-size", "512",
        "--luks2-metadata-size", "16k", "--luks2-keyslots-size", KeyslotsSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--pbkdf", "argon2id", "--pbkdf-memory", "32", "--pbkdf-force-iterations", "4", "--pbkdf-parallel", "1",
    ];

    /// <summary>A 16 MiB image held in memory, with the helpers the generator library offers.</summary>
    public sealed class Image(byte[] bytes)
    {
        private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        public byte[] Bytes { get; } = bytes;

        /// <summary>The original binary header of copy 0 or 1 (4096 bytes at 0 or 16384).</summary>
        public byte[] Bin(int copy) => Bytes.AsSpan(copy == 0 ? 0 : HdrSize, 4096).ToArray();

        /// <summary>The JSON text of copy 0 or 1 (up to its first NUL).</summary>
        public string Json(int copy)
        {
            var area = Bytes.AsSpan((copy == 0 ? 0 : HdrSize) + 4096, JsonSize);
            var end = area.IndexOf((byte)0);
            return Encoding.UTF8.GetString(end < 0 ? area : area[..end]);
        }

        /// <summary>jq: parse, edit, print compactly (keys keep their order; new keys go last).</summary>
        public string Jq(int copy, Action<JsonObject> edit)
        {
            var root = JsonNode.Parse(Json(copy))!.AsObject();
            edit(root);
            return root.ToJsonString(Compact);
        }

        /// <summary><c>write_luks2_json</c>: the text padded with NUL bytes to a JSON area of <paramref name="size"/> bytes.</summary>
        public static byte[] JsonArea(string text, int size = JsonSize)
        {
            var area = new byte[size];
            var bytes = Encoding.UTF8.GetBytes(text);
            bytes.AsSpan(0, Math.Min(bytes.Length, size)).CopyTo(area);
            return area;
        }

        /// <summary><c>lib_mangle_json_hdrN</c>: binary header + JSON area, checksummed, optionally killed, written at copy
        /// <paramref name="copy"/>'s place for a metadata size of <paramref name="mda"/>.</summary>
        public void Mangle(int copy, byte[] bin, byte[] jsonArea, int mda = HdrSize, bool kill = false)
        {
            var area = new byte[4096 + jsonArea.Length];
            bin.CopyTo(area, 0);
            jsonArea.CopyTo(area, 4096);
            Array.Clear(area, 0x1C0, 64);
            SHA256.HashData(area).CopyTo(area, 0x1C0);
            if (kill) "VACUUM"u8.CopyTo(area);
            area.CopyTo(Bytes, copy == 0 ? 0 : mda);
        }

        /// <summary><c>lib_mangle_json_hdr0_kill_hdr1</c>: the edited JSON in copy 0, the secondary's magic destroyed.</summary>
        public void Hdr0KillHdr1(string json) => Hdr0KillHdr1(JsonArea(json));

        public void Hdr0KillHdr1(byte[] jsonArea)
        {
            Mangle(0, Bin(0), jsonArea);
            "VACUUM"u8.CopyTo(Bytes.AsSpan(HdrSize));
        }

        /// <summary>The same JSON in both copies, both checksummed.</summary>
        public void BothCopies(string json)
        {
            var (bin0, bin1) = (Bin(0), Bin(1));
            Mangle(0, bin0, JsonArea(json));
            Mangle(1, bin1, JsonArea(json));
        }

        public static void SetU64(byte[] bin, int at, ulong value) => BinaryPrimitives.WriteUInt64BigEndian(bin.AsSpan(at), value);

        /// <summary>Writes the SHA-256 of <paramref name="text"/> over the checksum of the binary header at <paramref name="at"/>.</summary>
        public void WrongChecksum(int at, string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text)).CopyTo(Bytes, at + 0x1C0);
    }

    private static JsonObject O(JsonObject root, params string[] path)
    {
        var node = root;
        foreach (var p in path) node = node[p]!.AsObject();
        return node;
    }

    private static ulong U(JsonNode? n) => ulong.Parse(n!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);

    private static string S(ulong v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Deletes <paramref name="key"/> and adds it again with <paramref name="value"/> (jq's <c>del(.k) | .k = v</c>: the key moves last).</summary>
    private static void Replace(JsonObject o, string key, JsonNode? value)
    {
        o.Remove(key);
        o[key] = value;
    }

    private static Generator Hdr0(string name, char expected, Action<JsonObject> edit) => new(name, expected, i => i.Hdr0KillHdr1(i.Jq(0, edit)));

    private static Generator Both(string name, char expected, Action<JsonObject> edit) => new(name, expected, i => i.BothCopies(i.Jq(0, edit)));

    private static Generator Segment0(string name, char expected, Action<JsonObject> edit) => Hdr0(name, expected, r => edit(O(r, "segments", "0")));

    /// <summary>The <c>metadata-size-*</c> family: both copies rewritten for a metadata size of <paramref name="mda"/>
    /// bytes (keyslot areas moved, data at 16 MiB), the primary or the secondary killed.</summary>
    private static Generator MetadataSize(string name, char expected, int mda, bool secondary, long areaShift = 0,
        Action<JsonObject, int>? extra = null, ulong? bogusHdrSize0 = null, ulong? bogusHdrSize1 = null) => new(name, expected, i =>
    {
        var diff = (ulong)((mda - HdrSize) * 2 + areaShift);
        var json = i.Jq(0, r =>
        {
            foreach (var (_, k) in O(r, "keyslots")) k!["area"]!["offset"] = S(U(k["area"]!["offset"]) + diff);
            r["config"]!["json_size"] = S((ulong)(mda - 4096));
            r["segments"]!["0"]!["offset"] = "16777216";
            extra?.Invoke(r, mda);
        });
        var (bin0, bin1) = (i.Bin(0), i.Bin(1));
        Image.SetU64(bin0, 8, bogusHdrSize0 ?? (ulong)mda);
        Image.SetU64(bin1, 8, bogusHdrSize1 ?? (ulong)mda);
        if (secondary) Image.SetU64(bin1, 256, (ulong)mda);
        i.Mangle(0, bin0, Image.JsonArea(json, mda - 4096), mda, kill: secondary);
        i.Mangle(1, bin1, Image.JsonArea(json, mda - 4096), mda, kill: !secondary);
    });

    private static string Fill(string json, bool leaveNul)
    {
        const string pattern = "\"config\":{", key = "\"config_key\":\"";
        var offset = json.IndexOf(pattern, StringComparison.Ordinal) + pattern.Length;
        var remain = JsonSize - json.Length - key.Length - (leaveNul ? 2 : 1);
        var comma = json[offset] == '}' ? "" : ",";
        remain -= comma.Length;
        return json[..offset] + key + new string('X', remain) + "\"" + comma + json[offset..];
    }

    private static string Corrupt(string json)
    {
        var text = new StringBuilder(json[..^1]).Append(",\"");
        while (text.Length <= JsonSize) text.Append("all_work_and_no_play_makes_Jack_a_dull_boy_");
        return text.ToString(0, JsonSize);
    }

    /// <summary>Every generator of cryptsetup's validation test, with the result that test expects.</summary>
    public static IReadOnlyList<Generator> All { get; } =
    [
        // [1] basic auto-recovery
        new("invalid-checksum-hdr0", 'R', i => i.WrongChecksum(0, "Arbitrary chosen string: D'oh!\n")),
        new("invalid-checksum-hdr1", 'R', i => i.WrongChecksum(HdrSize, "Arbitrary chosen string: D'oh!\n")),
        new("invalid-checksum-both-hdrs", 'F', i =>
        {
            i.WrongChecksum(0, "Arbitrary chosen string: D'oh!\n");
            i.WrongChecksum(HdrSize, "D'oh!: arbitrary chosen string\n");
        }),
        // [2] malformed JSON area with a correct checksum, and leftover KDF parameters
        new("corrupted-hdr0-with-correct-chks", 'R', i => i.Mangle(0, i.Bin(0), Encoding.UTF8.GetBytes(Corrupt(i.Json(0))))),
        new("corrupted-hdr1-with-correct-chks", 'R', i => i.Mangle(1, i.Bin(1), Encoding.UTF8.GetBytes(Corrupt(i.Json(1))))),
        new("correct-full-json0", 'R', i => i.Hdr0KillHdr1(Fill(i.Json(0), leaveNul: true))),
        Hdr0("argon2-leftover-params", 'R', r =>
        {
            var kdf = O(r, "keyslots", "1", "kdf");
            kdf["type"] = "pbkdf2";
            kdf["iterations"] = 1001;
            kdf["hash"] = "sha256";
        }),
        Hdr0("pbkdf2-leftover-params-0", 'R', r => LeftoverPbkdf2(r, "argon2i")),
        Hdr0("pbkdf2-leftover-params-1", 'R', r => LeftoverPbkdf2(r, "argon2id")),
        // [3] JSON area restrictions
        new("non-null-byte-beyond-json0", 'F', i => i.Hdr0KillHdr1(i.Json(0) + "X")),
        new("non-null-bytes-beyond-json0", 'F', i =>
        {
            var json = i.Json(0);
            var area = Image.JsonArea(json);
            Encoding.UTF8.GetBytes("[Homer J. Simpson]: Keep looking shocked and move slowly towards the cake.").CopyTo(area, json.Length + 20);
            i.Hdr0KillHdr1(area);
        }),
        new("missing-trailing-null-byte-json0", 'F', i => i.Hdr0KillHdr1(Fill(i.Json(0), leaveNul: false))),
        new("invalid-opening-char-json0", 'F', i => i.Hdr0KillHdr1(" " + i.Json(0))),
        new("invalid-object-type-json0", 'F', i => i.Hdr0KillHdr1("[" + i.Json(0) + "]")),
        Hdr0("overlapping-areas-c0-json0", 'F', r =>
        {
            var (a6, a7) = (O(r, "keyslots", "6", "area"), O(r, "keyslots", "7", "area"));
            a7["offset"] = a6["offset"]!.GetValue<string>();
            a7["size"] = a6["size"]!.GetValue<string>();
        }),
        Hdr0("overlapping-areas-c1-json0", 'F', r =>
        {
            var (a6, a7) = (O(r, "keyslots", "6", "area"), O(r, "keyslots", "7", "area"));
            a7["offset"] = S(U(a6["offset"]) + 1);
            a7["size"] = S(U(a6["size"]) - 1);
        }),
        Hdr0("overlapping-areas-c2-json0", 'F', r =>
        {
            var (a6, a7) = (O(r, "keyslots", "6", "area"), O(r, "keyslots", "7", "area"));
            a7["offset"] = S(U(a6["offset"]) + U(a6["size"]) - 1);
        }),
        Hdr0("area-in-json-hdr-space-json0", 'F', r =>
        {
            var a0 = O(r, "keyslots", "0", "area");
            a0["offset"] = S(2 * HdrSize - 1);
            a0["size"] = "1";
        }),
        Hdr0("missing-keyslot-referenced-in-digest", 'F', r => O(r, "digests", "0")["keyslots"]!.AsArray().Add(NextKey(r, "keyslots"))),
        Hdr0("missing-segment-referenced-in-digest", 'F', r => O(r, "digests", "0")["segments"]!.AsArray().Add(NextKey(r, "segments"))),
        Hdr0("missing-keyslot-referenced-in-token", 'F', r =>
            O(r, "tokens")["0"] = new JsonObject { ["type"] = "dummy", ["keyslots"] = new JsonArray("0", NextKey(r, "keyslots")) }),
        Hdr0("keyslot-missing-digest", 'F', r => O(r, "digests", "0")["keyslots"]!.AsArray().RemoveAt(0)),
        Hdr0("keyslot-too-many-digests", 'F', r =>
        {
            var copy = O(r, "digests", "0").DeepClone().AsObject();
            copy["keyslots"] = new JsonArray("1");
            O(r, "digests")["1"] = copy;
        }),
        // [4] integer limits
        Segment0("uint64-max-segment-size", 'R', s => s["size"] = "18446744073709551104"),
        Segment0("uint64-overflow-segment-size", 'F', s => s["size"] = "18446744073709551616"),
        Segment0("uint64-signed-segment-size", 'F', s => s["size"] = "-512"),
        // [5] segments
        Segment0("segment-missing-type", 'F', s => s.Remove("type")),
        Segment0("segment-wrong-type", 'F', s => s["type"] = 42),
        Segment0("segment-missing-offset", 'F', s => s.Remove("offset")),
        Segment0("segment-wrong-offset", 'F', s => s["offset"] = "-42"),
        Segment0("segment-missing-size", 'F', s => s.Remove("size")),
        Segment0("segment-wrong-size-0", 'F', s => s["size"] = 4096),
        Segment0("segment-wrong-size-1", 'F', s => s["size"] = "automatic"),
        Segment0("segment-wrong-size-2", 'F', s => s["size"] = "511"),
        Segment0("segment-crypt-missing-encryption", 'F', s => s.Remove("encryption")),
        Segment0("segment-crypt-wrong-encryption", 'F', s => s["encryption"] = new JsonObject()),
        Segment0("segment-crypt-missing-ivoffset", 'F', s => s.Remove("iv_tweak")),
        Segment0("segment-crypt-wrong-ivoffset", 'F', s => s["iv_tweak"] = "dynamic"),
        Segment0("segment-crypt-missing-sectorsize", 'F', s => s.Remove("sector_size")),
        Segment0("segment-crypt-wrong-sectorsize-0", 'F', s => s["sector_size"] = 1023),
        Segment0("segment-crypt-wrong-sectorsize-1", 'F', s => s["sector_size"] = "4096"),
        Segment0("segment-crypt-wrong-sectorsize-2", 'F', s => s["sector_size"] = -1024),
        Hdr0("segment-unknown-type", 'R', r =>
        {
            var s0 = O(r, "segments", "0");
            r["segments"]!["0"] = new JsonObject { ["type"] = "some_type", ["offset"] = s0["offset"]!.GetValue<string>(), ["size"] = s0["size"]!.GetValue<string>(), ["a_field"] = 0 };
        }),
        Hdr0("segment-two", 'R', r =>
        {
            var s0 = O(r, "segments", "0");
            s0["size"] = "512";
            O(r, "segments")["1"] = new JsonObject { ["type"] = "some", ["offset"] = S(U(s0["offset"]) + 512), ["size"] = "dynamic" };
        }),
        Segment0("segment-wrong-flags", 'F', s => s["flags"] = "hello"),
        Segment0("segment-wrong-flags-element", 'F', s => s["flags"] = new JsonArray("hello", 1)),
        Hdr0("segment-wrong-backup-key-0", 'F', r =>
        {
            var segments = O(r, "segments");
            segments[S((ulong)segments.Count + 1)] = Linear("512", backup: true);
        }),
        Hdr0("segment-wrong-backup-key-1", 'F', r =>
        {
            var segments = O(r, "segments");
            var after = S(U(segments["0"]!["offset"]) + 512);
            for (var n = 1; n < 65; n++) segments[S((ulong)n)] = Linear(after, backup: false);
            segments["268435472"] = Linear("512", backup: true);
        }),
        Segment0("segment-crypt-empty-encryption", 'F', s => s["encryption"] = ""),
        // [6] config: metadata and keyslots sizes
        Hdr0("invalid-keyslots-size-c0", 'F', r => r["config"]!["keyslots_size"] = S(U(r["segments"]!["0"]!["offset"]) - 2 * HdrSize + 4096)),
        Hdr0("invalid-keyslots-size-c1", 'F', r => r["config"]!["keyslots_size"] = S(U(r["config"]!["keyslots_size"]) - 1)),
        Hdr0("invalid-keyslots-size-c2", 'F', r =>
            r["config"]!["keyslots_size"] = S(O(r, "keyslots").Select(k => U(k.Value!["area"]!["size"])).Aggregate(0UL, (a, b) => a + b) - 4096)),
        Hdr0("invalid-json-size-c0", 'F', r => r["config"]!["json_size"] = S(JsonSize + 4096)),
        Hdr0("invalid-json-size-c1", 'F', r => r["config"]!["json_size"] = S(JsonSize - 4096)),
        new("invalid-json-size-c2", 'F', i =>
        {
            const int mda = 32768;
            var json = i.Jq(0, _ => { });
            var (bin0, bin1) = (i.Bin(0), i.Bin(1));
            Image.SetU64(bin0, 8, mda);
            Image.SetU64(bin1, 8, mda);
            Image.SetU64(bin1, 256, mda);
            i.Mangle(0, bin0, Image.JsonArea(json, mda - 4096), mda);
            i.Mangle(1, bin1, Image.JsonArea(json, mda - 4096), mda);
        }),
        .. new[] { 32, 64, 128, 256, 512, 1024, 2048, 4096 }.Select(k => MetadataSize($"metadata-size-{Size(k)}", 'R', k << 10, secondary: false)),
        MetadataSize("metadata-size-64k-inv-area-c0", 'F', 64 << 10, secondary: false, areaShift: -1),
        MetadataSize("metadata-size-64k-inv-area-c1", 'F', 64 << 10, secondary: false, extra: (r, mda) =>
        {
            var a7 = O(r, "keyslots", "7", "area");
            a7["offset"] = S(U(r["config"]!["keyslots_size"]) + 2 * (ulong)mda - U(a7["size"]) + 1);
        }),
        MetadataSize("metadata-size-64k-inv-keyslots-size-c0", 'F', 64 << 10, secondary: false, extra: (r, mda) =>
            r["config"]!["keyslots_size"] = S(16777216 - 2 * (ulong)mda + 4096)),
        .. new[] { 16, 32, 64, 128, 256, 512, 1024, 2048, 4096 }.Select(k => MetadataSize($"metadata-size-{Size(k)}-secondary", 'R', k << 10, secondary: true)),
        MetadataSize("metadata-size-invalid", 'F', 1 << 20, secondary: false, bogusHdrSize0: 2UL << 30, bogusHdrSize1: 2UL << 30),
        MetadataSize("metadata-size-invalid-secondary", 'F', 1 << 20, secondary: true, bogusHdrSize1: 2UL << 30),
        // [7] invalid object types
        Both("invalid-tokens", 'F', r => Replace(r, "tokens", 42)),
        Both("invalid-top-objects", 'F', r =>
        {
            Replace(r, "tokens", 42);
            Replace(r, "digests", 42);
            Replace(r, "keyslots", new JsonArray());
            Replace(r, "segments", "hi");
        }),
        Both("keyslot-invalid-area", 'F', r => Replace(O(r, "keyslots", "0"), "area", 42)),
        Both("keyslot-invalid-area-size", 'F', r => O(r, "keyslots", "0", "area")["size"] = "18446744073709551615"),
        Both("keyslot-invalid-objects", 'F', r =>
        {
            Replace(O(r, "keyslots", "0"), "kdf", 42);
            Replace(O(r, "keyslots", "0"), "af", 42);
        }),
        Both("keyslot-invalid-af", 'F', r => Replace(O(r, "keyslots", "0", "af"), "type", 42)),
        // [8] non-compact JSON (the test also writes a token; reading it must succeed)
        new("non-compact-json-token-0", 'R', i => i.BothCopies(NonCompact(i, pad4k: false))),
        new("non-compact-json-4k-token-0", 'R', i => i.BothCopies(NonCompact(i, pad4k: true))),
    ];

    private static void LeftoverPbkdf2(JsonObject r, string type)
    {
        var kdf = O(r, "keyslots", "2", "kdf");
        kdf["type"] = type;
        kdf["iterations"] = 1001;
        kdf["hash"] = "sha256";
    }

    private static string NextKey(JsonObject r, string section) =>
        S(O(r, section).Select(k => k.Key).Max(StringComparer.Ordinal) is { } max ? ulong.Parse(max, System.Globalization.CultureInfo.InvariantCulture) + 1 : 0);

    private static JsonObject Linear(string offset, bool backup)
    {
        var s = new JsonObject { ["type"] = "linear", ["offset"] = offset, ["size"] = "512" };
        if (backup) s["flags"] = new JsonArray("backup-x");
        return s;
    }

    private static string NonCompact(Image i, bool pad4k)
    {
        var json = i.Jq(0, r => O(r, "tokens")["0"] = new JsonObject { ["type"] = "a", ["keyslots"] = new JsonArray() });
        var fill = pad4k ? new string(' ', 4096 - json.Length % 4096) : " ";
        var at = json.IndexOf("\"type\":\"luks2\"", StringComparison.Ordinal) + "\"type\":".Length;
        return json.Insert(at, fill);
    }

    private static string Size(int kib) => kib >= 1024 ? $"{kib / 1024}m" : $"{kib}k";
}
