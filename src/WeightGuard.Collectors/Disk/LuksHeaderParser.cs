using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Disk;

/// <summary>
/// Parses LUKS1 and LUKS2 headers from a file or block device the way cryptsetup reads them, bounded: it reads at most
/// a few header copies of at most <see cref="MaxHeaderSize"/> bytes each and never allocates what a header merely
/// claims. LUKS2 (<c>LUKS2_disk_hdr_read</c>): the primary copy is read and checksummed; when it is unreadable the known
/// secondary offsets are probed, otherwise the secondary is read at the primary's hdr_size; each readable copy's JSON
/// must pass cryptsetup's metadata validation (<see cref="Luks2Validator"/>); of two valid copies the higher seqid wins,
/// the primary on a tie. The copy not used is reported as a finding. LUKS1 (<c>LUKS_read_phdr</c>): key-slot bounds,
/// overlap and the device size are checked; a state other than enabled counts as disabled. Every refusal is a
/// <see cref="LuksFormatException"/> naming the byte offset.
/// </summary>
public static class LuksHeaderParser
{
    /// <summary>The largest LUKS2 hdr_size (binary header plus JSON area) accepted: 4 MiB, the LUKS2 maximum.</summary>
    public const int MaxHeaderSize = 4 << 20;

    /// <summary>How deeply the LUKS2 JSON may nest (json-c's default depth, which cryptsetup uses).</summary>
    public const int MaxJsonDepth = 32;

    /// <summary>Size of the LUKS2 binary header that precedes each JSON area.</summary>
    public const int Luks2BinaryHeaderSize = 4096;

    /// <summary>Size of the LUKS1 <c>phdr</c> including its eight key slots.</summary>
    public const int Luks1HeaderSize = 592;

    private const int MinHeaderSize = 0x4000;
    private const int ChecksumOffset = 448;
    private const int ChecksumLength = 64;
    private const uint Luks1KeyEnabled = 0x00AC71F3;
    private const uint Luks1KeyDisabled = 0x0000DEAD;
    private const uint Luks1Stripes = 4000;
    private static ReadOnlySpan<byte> PrimaryMagic => [(byte)'L', (byte)'U', (byte)'K', (byte)'S', 0xBA, 0xBE];
    private static ReadOnlySpan<byte> SecondaryMagic => [(byte)'S', (byte)'K', (byte)'U', (byte)'L', 0xBA, 0xBE];

    /// <summary>Hashes cryptsetup can use for LUKS1 (a digest of at least 20 bytes that its crypto backend knows).</summary>
    private static readonly HashSet<string> Luks1Hashes =
        ["sha1", "sha224", "sha256", "sha384", "sha512", "ripemd160", "whirlpool", "sha3-224", "sha3-256", "sha3-384", "sha3-512",
         "stribog256", "stribog512", "sm3", "blake2b-160", "blake2b-256", "blake2b-384", "blake2b-512", "blake2s-160", "blake2s-256"];

    /// <summary>Offsets where a LUKS2 secondary header can sit: one for each valid hdr_size (16 KiB … 4 MiB).</summary>
    public static IReadOnlyList<long> KnownSecondaryOffsets { get; } =
        [0x4000, 0x8000, 0x10000, 0x20000, 0x40000, 0x80000, 0x100000, 0x200000, 0x400000];

    /// <summary>Parses the header of the file or device at <paramref name="path"/>.</summary>
    /// <exception cref="LuksFormatException">The header is missing, truncated, inconsistent or malformed.</exception>
    public static LuksHeader ParseFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
        return Parse(stream);
    }

    /// <summary>Parses a LUKS header from the start of a seekable <paramref name="stream"/>. The stream's length is the
    /// device size that key-slot areas must fit in (block devices that report no length are not checked).</summary>
    /// <exception cref="LuksFormatException">The header is missing, truncated, inconsistent or malformed.</exception>
    public static LuksHeader Parse(Stream stream)
    {
        if (!stream.CanSeek) throw new ArgumentException("the stream must be seekable", nameof(stream));
        ulong? deviceSize = stream.Length > 0 ? (ulong)stream.Length : null;
        var first = new byte[Luks2BinaryHeaderSize];
        var n = ReadAt(stream, 0, first);
        var primaryMagic = n >= 8 && first.AsSpan(0, 6).SequenceEqual(PrimaryMagic);
        // cryptsetup reads LUKS1 only for version 1; every other version (or no magic) is tried as LUKS2.
        if (primaryMagic && BinaryPrimitives.ReadUInt16BigEndian(first.AsSpan(6)) == 1)
            return new LuksHeader(ParseLuks1(first.AsSpan(0, n), deviceSize), null);
        if (ParseLuks2(stream, deviceSize) is { } luks2) return new LuksHeader(null, luks2);
        if (n < 6) throw new LuksFormatException(n, $"truncated: {n} bytes where a LUKS header starts");
        throw new LuksFormatException(0, $"no LUKS magic (found {Convert.ToHexString(first.AsSpan(0, 6))}) and no LUKS2 secondary header");
    }

    private static Luks1Header ParseLuks1(ReadOnlySpan<byte> h, ulong? deviceSize)
    {
        if (h.Length < Luks1HeaderSize) throw new LuksFormatException(h.Length, $"truncated LUKS1 header: {h.Length} of {Luks1HeaderSize} bytes");
        var hashSpec = Text(h.Slice(72, 32));
        if (!Luks1Hashes.Contains(hashSpec)) throw new LuksFormatException(72, $"hash \"{hashSpec}\" is not one cryptsetup supports");
        var keyBytes = BinaryPrimitives.ReadUInt32BigEndian(h[108..]);
        if (keyBytes is 0 or > 512) throw new LuksFormatException(108, $"key_bytes {keyBytes} is out of range");
        var payloadOffset = BinaryPrimitives.ReadUInt32BigEndian(h[104..]);
        // Key material per slot: key bytes x 4000 stripes, rounded up to 512-byte sectors (AF_split_sectors).
        var slotSectors = ((ulong)keyBytes * Luks1Stripes + 511) / 512;
        var slots = new Luks1Keyslot[8];
        var findings = new List<LuksFinding>();
        for (var i = 0; i < slots.Length; i++)
        {
            var at = 208 + i * 48;
            var state = BinaryPrimitives.ReadUInt32BigEndian(h[at..]);
            var offset = BinaryPrimitives.ReadUInt32BigEndian(h[(at + 40)..]);
            var stripes = BinaryPrimitives.ReadUInt32BigEndian(h[(at + 44)..]);
            // cryptsetup checks every slot, enabled or not (LUKS_check_keyslots).
            if (stripes != Luks1Stripes) throw new LuksFormatException(at + 44, $"key slot {i}: {stripes} stripes (cryptsetup requires 4000)");
            if ((ulong)offset * 512 < Luks1HeaderSize) throw new LuksFormatException(at + 40, $"key slot {i}: key material at sector {offset} overlaps the header");
            if (payloadOffset != 0 && (payloadOffset <= offset || payloadOffset < offset + slotSectors))
                throw new LuksFormatException(at + 40, $"key slot {i}: key material (sectors {offset}+{slotSectors}) runs into the payload at sector {payloadOffset}");
            if (state is not (Luks1KeyEnabled or Luks1KeyDisabled))
                findings.Add(LuksFinding.Of(LuksFindingCode.Luks1KeyslotState, $"keyslot {i}", $"0x{state:X8}"));
            slots[i] = new Luks1Keyslot(i, state == Luks1KeyEnabled, BinaryPrimitives.ReadUInt32BigEndian(h[(at + 4)..]), offset, stripes);
        }
        var sorted = slots.OrderBy(s => s.KeyMaterialOffset).ToList();
        for (var i = 1; i < sorted.Count; i++)
            if (sorted[i].KeyMaterialOffset < sorted[i - 1].KeyMaterialOffset + slotSectors)
                throw new LuksFormatException(208 + sorted[i].Index * 48 + 40,
                    $"key slot {sorted[i].Index}: key material overlaps key slot {sorted[i - 1].Index}");
        var deviceSectors = sorted[^1].KeyMaterialOffset + slotSectors;
        if (deviceSize is { } size && deviceSectors * 512 > size)
            throw new LuksFormatException((long)Math.Min(size, long.MaxValue), $"device of {size} bytes is smaller than the LUKS1 key slots ({deviceSectors * 512} bytes)");
        return new Luks1Header(
            CipherName: Text(h.Slice(8, 32)), CipherMode: Text(h.Slice(40, 32)), HashSpec: hashSpec,
            PayloadOffset: payloadOffset, KeyBytes: keyBytes,
            MkDigestIterations: BinaryPrimitives.ReadUInt32BigEndian(h[164..]), Uuid: Text(h.Slice(168, 40)), Keyslots: slots, findings);
    }

    /// <summary>cryptsetup's <c>LUKS2_disk_hdr_read</c> without the write-back; null when no copy has a LUKS2 header at all.</summary>
    private static Luks2Header? ParseLuks2(Stream stream, ulong? deviceSize)
    {
        var primary = ReadCopy(stream, 0, primary: true);
        // A readable primary (sane and checksummed) says where its secondary is; otherwise every known offset is tried.
        var secondary = primary.Readable ? ReadCopy(stream, (long)primary.Header!.HdrSize, primary: false) : ProbeSecondary(stream);
        if (primary.Header is null && secondary?.Header is null && !primary.HasMagic) return null;
        var (p, s) = (primary.Validated(), secondary?.Validated());
        if (p.Metadata is not null && s?.Metadata is not null && p.Header!.Seqid != s.Header!.Seqid)
        {
            if (p.Header.Seqid < s.Header.Seqid) p = p with { Metadata = null, Problem = $"is older (seqid {p.Header.Seqid} < {s.Header.Seqid})" };
            else s = s with { Metadata = null, Problem = $"is older (seqid {s.Header.Seqid} < {p.Header.Seqid})" };
        }
        var chosen = p.Metadata is not null ? p : s?.Metadata is not null ? s : null;
        if (chosen is null) throw (primary.HasMagic ? p.Error : null) ?? s?.Error ?? p.Error ?? new LuksFormatException(0, "no valid LUKS2 header copy");
        var other = ReferenceEquals(chosen, p) ? s : p;
        var metadata = chosen.Metadata!;
        var areasEnd = 2 * (metadata.Config.JsonSize + Luks2BinaryHeaderSize) + metadata.Config.KeyslotsSize;
        if (deviceSize is { } size && areasEnd > size)
            throw new LuksFormatException((long)Math.Min(size, long.MaxValue), $"device of {size} bytes is smaller than the LUKS2 header and keyslots area ({areasEnd} bytes)");

        var findings = new List<LuksFinding>();
        var usedCopy = $"using the {chosen.Name} copy (seqid {chosen.Header!.Seqid})";
        if (other?.Problem is { } problem) findings.Add(LuksFinding.Of(LuksFindingCode.HeaderCopyDamaged, other.Name, $"{problem}; {usedCopy}"));
        else if (other is null) findings.Add(LuksFinding.Of(LuksFindingCode.HeaderCopyDamaged, "secondary", $"is missing; {usedCopy}"));
        else if (!other.Json.Span.SequenceEqual(chosen.Json.Span))
            findings.Add(LuksFinding.Of(LuksFindingCode.HeaderCopiesDiverge, null, chosen.Header.Seqid.ToString(CultureInfo.InvariantCulture)));
        var copies = new[] { p, s }.Where(c => c?.Header is not null)
            .Select(c => c!.Header! with { InUse = ReferenceEquals(c, chosen), Problem = c.Problem }).ToList();
        return new Luks2Header(chosen.Header with { InUse = true }, copies, metadata, findings);
    }

    private static Copy? ProbeSecondary(Stream stream)
    {
        Copy? first = null;
        foreach (var offset in KnownSecondaryOffsets)
        {
            var copy = ReadCopy(stream, offset, primary: false);
            if (copy.Readable) return copy;
            first ??= copy.Header is not null ? copy : null;
        }
        return first;
    }

    /// <summary>One binary header copy: the header (when its fields are sane), its bytes, and what is wrong with it.</summary>
    private sealed record Copy(long Offset, string Name, bool HasMagic, Luks2BinaryHeader? Header, byte[] Area, string? Problem, long ProblemOffset)
    {
        /// <summary>Sane and checksummed: cryptsetup goes on to validate its JSON.</summary>
        public bool Readable => Header is { ChecksumValid: true };

        public Luks2Metadata? Metadata { get; init; }

        public ReadOnlyMemory<byte> Json => Area.AsMemory(Math.Min(Area.Length, Luks2BinaryHeaderSize));

        public LuksFormatException? Error => Problem is null ? null : new LuksFormatException(ProblemOffset, $"{Name} header {Problem}");

        /// <summary>This copy with its metadata when the JSON passes cryptsetup's validation, or the reason it does not.</summary>
        public Copy Validated()
        {
            if (!Readable) return this;
            try
            {
                return this with { Metadata = Luks2MetadataReader.Read(Area, Offset, Header!.HdrSize - Luks2BinaryHeaderSize) };
            }
            catch (LuksFormatException e)
            {
                return this with { Problem = $"fails validation: {e.Problem}", ProblemOffset = e.Offset };
            }
        }
    }

    private static Copy ReadCopy(Stream stream, long offset, bool primary)
    {
        var head = new byte[Luks2BinaryHeaderSize];
        var n = ReadAt(stream, offset, head);
        var name = primary ? "primary" : "secondary";
        var magic = primary ? PrimaryMagic : SecondaryMagic;
        var hasMagic = n >= 6 && head.AsSpan(0, 6).SequenceEqual(magic);
        Copy Fail(long at, string problem) => new(offset, name, hasMagic, null, [], problem, at);
        if (!hasMagic) return Fail(offset, n < 6 ? $"truncated: {n} bytes at offset {offset}" : $"magic missing at offset {offset} (found {Convert.ToHexString(head.AsSpan(0, 6))})");
        if (n < Luks2BinaryHeaderSize) return Fail(offset + n, $"truncated: {n} of {Luks2BinaryHeaderSize} bytes");
        var h = head.AsSpan();
        var version = BinaryPrimitives.ReadUInt16BigEndian(h[6..]);
        if (version != 2) return Fail(offset + 6, $"version {version}, expected 2");
        var hdrSize = BinaryPrimitives.ReadUInt64BigEndian(h[8..]);
        if (hdrSize is < MinHeaderSize or > MaxHeaderSize)
            return Fail(offset + 8, $"hdr_size {hdrSize} is outside {MinHeaderSize}..{MaxHeaderSize}");
        var hdrOffset = BinaryPrimitives.ReadUInt64BigEndian(h[256..]);
        if (hdrOffset != (ulong)offset) return Fail(offset + 256, $"hdr_offset {hdrOffset} does not match the copy's position {offset}");
        if (!primary && hdrSize != (ulong)offset) return Fail(offset + 8, $"hdr_size {hdrSize} does not match the copy's position {offset}");
        var checksumAlg = Text(h.Slice(72, 32));
        if (checksumAlg != "sha256") return Fail(offset + 72, $"checksum_alg \"{checksumAlg}\" is not supported");

        var area = new byte[hdrSize];
        head.CopyTo(area, 0);
        var got = ReadAt(stream, offset + Luks2BinaryHeaderSize, area.AsSpan(Luks2BinaryHeaderSize));
        if (got < area.Length - Luks2BinaryHeaderSize)
            return Fail(offset + Luks2BinaryHeaderSize + got, $"truncated: JSON area ends here, hdr_size claims {hdrSize} bytes");

        var valid = ChecksumMatches(area);
        var header = new Luks2BinaryHeader((ulong)offset, primary, hdrSize, BinaryPrimitives.ReadUInt64BigEndian(h[16..]),
            Text(h.Slice(24, 48)), checksumAlg, Text(h.Slice(168, 40)), Text(h.Slice(208, 48)), hdrOffset, valid);
        return valid
            ? new Copy(offset, name, true, header, area, null, 0)
            : new Copy(offset, name, true, header, area, $"checksum mismatch ({checksumAlg} over {hdrSize} bytes)", offset + ChecksumOffset);
    }

    private static bool ChecksumMatches(byte[] area)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(area, 0, ChecksumOffset);
        hash.AppendData(new byte[ChecksumLength]);
        hash.AppendData(area, ChecksumOffset + ChecksumLength, area.Length - ChecksumOffset - ChecksumLength);
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return digest.SequenceEqual(area.AsSpan(ChecksumOffset, 32));
    }

    private static int ReadAt(Stream stream, long offset, Span<byte> buffer)
    {
        stream.Seek(offset, SeekOrigin.Begin);
        var total = 0;
        while (total < buffer.Length)
        {
            var n = stream.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>A NUL-terminated ASCII field (anything after the first NUL is ignored, as cryptsetup does).</summary>
    private static string Text(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? field : field[..end]);
    }

    /// <summary>Converts a <see cref="JsonException"/> position in the JSON text to an absolute byte offset.</summary>
    internal static long JsonErrorOffset(ReadOnlySpan<byte> json, long jsonStart, JsonException error)
    {
        long line = error.LineNumber ?? 0, column = error.BytePositionInLine ?? 0, at = 0;
        for (; line > 0 && at < json.Length; line--)
        {
            var next = json[(int)at..].IndexOf((byte)'\n');
            if (next < 0) break;
            at += next + 1;
        }
        return jsonStart + Math.Min(at + column, json.Length);
    }
}
