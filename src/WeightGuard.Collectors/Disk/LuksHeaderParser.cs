using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace WeightGuard.Collectors.Disk;

/// <summary>
/// Parses LUKS1 and LUKS2 headers from a file or block device, bounded: it reads at most two header copies of at most
/// <see cref="MaxHeaderSize"/> bytes each and never allocates what a header merely claims. LUKS2: both binary header
/// copies are read and checksummed (SHA-256 over hdr_size bytes with the checksum field zeroed); when the primary is
/// damaged the known secondary offsets are probed; the copy with a valid checksum and the highest seqid supplies the
/// JSON metadata. Every failure is a <see cref="LuksFormatException"/> naming the byte offset.
/// </summary>
public static class LuksHeaderParser
{
    /// <summary>The largest LUKS2 hdr_size (binary header plus JSON area) accepted: 4 MiB, the LUKS2 maximum.</summary>
    public const int MaxHeaderSize = 4 << 20;

    /// <summary>How deeply the LUKS2 JSON may nest (the specification's objects need 5; tokens a few more).</summary>
    public const int MaxJsonDepth = 32;

    /// <summary>Size of the LUKS2 binary header that precedes each JSON area.</summary>
    public const int Luks2BinaryHeaderSize = 4096;

    /// <summary>Size of the LUKS1 <c>phdr</c> including its eight key slots.</summary>
    public const int Luks1HeaderSize = 592;

    private const int ChecksumOffset = 448;
    private const int ChecksumLength = 64;
    private const uint Luks1KeyEnabled = 0x00AC71F3;
    private const uint Luks1KeyDisabled = 0x0000DEAD;
    private static ReadOnlySpan<byte> PrimaryMagic => [(byte)'L', (byte)'U', (byte)'K', (byte)'S', 0xBA, 0xBE];
    private static ReadOnlySpan<byte> SecondaryMagic => [(byte)'S', (byte)'K', (byte)'U', (byte)'L', 0xBA, 0xBE];

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

    /// <summary>Parses a LUKS header from the start of a seekable <paramref name="stream"/>.</summary>
    /// <exception cref="LuksFormatException">The header is missing, truncated, inconsistent or malformed.</exception>
    public static LuksHeader Parse(Stream stream)
    {
        if (!stream.CanSeek) throw new ArgumentException("the stream must be seekable", nameof(stream));
        var first = new byte[Luks2BinaryHeaderSize];
        var n = ReadAt(stream, 0, first);
        if (n >= 8 && first.AsSpan(0, 6).SequenceEqual(PrimaryMagic))
        {
            var version = BinaryPrimitives.ReadUInt16BigEndian(first.AsSpan(6));
            return version switch
            {
                1 => new LuksHeader(ParseLuks1(first.AsSpan(0, n)), null),
                2 => new LuksHeader(null, ParseLuks2(stream)),
                _ => throw new LuksFormatException(6, $"unsupported LUKS version {version}"),
            };
        }
        // The primary magic is gone: a LUKS2 secondary header can still describe the volume.
        var secondary = ProbeSecondary(stream, skip: -1);
        if (secondary?.Header is { ChecksumValid: true }) return new LuksHeader(null, Select(null, secondary));
        if (n < 6) throw new LuksFormatException(n, $"truncated: {n} bytes where a LUKS header starts");
        throw new LuksFormatException(0, $"no LUKS magic (found {Convert.ToHexString(first.AsSpan(0, 6))}) and no LUKS2 secondary header");
    }

    private static Luks1Header ParseLuks1(ReadOnlySpan<byte> h)
    {
        if (h.Length < Luks1HeaderSize) throw new LuksFormatException(h.Length, $"truncated LUKS1 header: {h.Length} of {Luks1HeaderSize} bytes");
        var keyBytes = BinaryPrimitives.ReadUInt32BigEndian(h[108..]);
        if (keyBytes is 0 or > 512) throw new LuksFormatException(108, $"key_bytes {keyBytes} is out of range");
        var slots = new Luks1Keyslot[8];
        for (var i = 0; i < slots.Length; i++)
        {
            var at = 208 + i * 48;
            var state = BinaryPrimitives.ReadUInt32BigEndian(h[at..]);
            if (state is not (Luks1KeyEnabled or Luks1KeyDisabled))
                throw new LuksFormatException(at, $"key slot {i}: state 0x{state:X8} is neither enabled nor disabled");
            slots[i] = new Luks1Keyslot(i, state == Luks1KeyEnabled, BinaryPrimitives.ReadUInt32BigEndian(h[(at + 4)..]),
                BinaryPrimitives.ReadUInt32BigEndian(h[(at + 40)..]), BinaryPrimitives.ReadUInt32BigEndian(h[(at + 44)..]));
        }
        return new Luks1Header(
            CipherName: Text(h.Slice(8, 32)), CipherMode: Text(h.Slice(40, 32)), HashSpec: Text(h.Slice(72, 32)),
            PayloadOffset: BinaryPrimitives.ReadUInt32BigEndian(h[104..]), KeyBytes: keyBytes,
            MkDigestIterations: BinaryPrimitives.ReadUInt32BigEndian(h[164..]), Uuid: Text(h.Slice(168, 40)), Keyslots: slots);
    }

    private static Luks2Header ParseLuks2(Stream stream)
    {
        var primary = ReadCopy(stream, 0, primary: true);
        var secondary = primary.Header is { } p ? ReadCopy(stream, (long)p.HdrSize, primary: false) : null;
        if (primary.Header is not { ChecksumValid: true } && secondary?.Header is not { ChecksumValid: true })
        {
            // hdr_size itself may be the damage: try every place a secondary can be.
            var probed = ProbeSecondary(stream, skip: secondary?.Offset ?? -1);
            if (probed?.Header is { ChecksumValid: true }) secondary = probed;
            else throw primary.Error ?? secondary?.Error ?? new LuksFormatException(0, "no valid LUKS2 header copy");
        }
        return Select(primary, secondary);
    }

    private static Copy? ProbeSecondary(Stream stream, long skip)
    {
        foreach (var offset in KnownSecondaryOffsets)
        {
            if (offset == skip) continue;
            var copy = ReadCopy(stream, offset, primary: false);
            if (copy.Header is { ChecksumValid: true }) return copy;
        }
        return null;
    }

    private static Luks2Header Select(Copy? primary, Copy? secondary)
    {
        var copies = new List<Luks2BinaryHeader>(2);
        if (primary?.Header is { } ph) copies.Add(ph);
        if (secondary?.Header is { } sh) copies.Add(sh);
        var valid = new[] { primary, secondary }.Where(c => c?.Header is { ChecksumValid: true }).Select(c => c!).ToList();
        if (valid.Count == 2)
        {
            var (a, b) = (valid[0], valid[1]);
            if (a.Header!.Seqid == b.Header!.Seqid &&
                (a.Header.HdrSize != b.Header.HdrSize || a.Header.Uuid != b.Header.Uuid ||
                 !a.Area.AsSpan(Luks2BinaryHeaderSize).SequenceEqual(b.Area.AsSpan(Luks2BinaryHeaderSize))))
                throw new LuksFormatException(b.Offset + Luks2BinaryHeaderSize,
                    $"header copies at {a.Offset} and {b.Offset} have the same seqid {a.Header.Seqid} but different metadata");
        }
        var chosen = valid.OrderByDescending(c => c.Header!.Seqid).First();
        var metadata = Luks2MetadataReader.Read(chosen.Area, chosen.Offset);
        var jsonSize = chosen.Header!.HdrSize - Luks2BinaryHeaderSize;
        if (metadata.Config.JsonSize != jsonSize)
            throw new LuksFormatException(chosen.Offset + Luks2BinaryHeaderSize,
                $"JSON $.config.json_size {metadata.Config.JsonSize} does not match hdr_size {chosen.Header.HdrSize} - 4096");
        return new Luks2Header(chosen.Header, copies, metadata);
    }

    /// <summary>One binary header copy: parsed header (when its fields are sane) with its raw bytes, or the error.</summary>
    private sealed record Copy(long Offset, Luks2BinaryHeader? Header, byte[] Area, LuksFormatException? Error);

    private static Copy ReadCopy(Stream stream, long offset, bool primary)
    {
        var head = new byte[Luks2BinaryHeaderSize];
        var n = ReadAt(stream, offset, head);
        Copy Fail(long at, string problem) => new(offset, null, [], new LuksFormatException(at, problem));
        var name = primary ? "primary" : "secondary";
        if (n < 8) return Fail(offset + n, $"{name} LUKS2 header truncated: {n} of {Luks2BinaryHeaderSize} bytes");
        var magic = primary ? PrimaryMagic : SecondaryMagic;
        if (!head.AsSpan(0, 6).SequenceEqual(magic))
            return Fail(offset, $"{name} LUKS2 header magic missing (found {Convert.ToHexString(head.AsSpan(0, 6))})");
        if (n < Luks2BinaryHeaderSize) return Fail(offset + n, $"{name} LUKS2 header truncated: {n} of {Luks2BinaryHeaderSize} bytes");
        var h = head.AsSpan();
        var version = BinaryPrimitives.ReadUInt16BigEndian(h[6..]);
        if (version != 2) return Fail(offset + 6, $"{name} header version {version}, expected 2");
        var hdrSize = BinaryPrimitives.ReadUInt64BigEndian(h[8..]);
        if (!IsValidHdrSize(hdrSize))
            return Fail(offset + 8, $"hdr_size {hdrSize} is not a power of two from 16384 to {MaxHeaderSize}");
        var hdrOffset = BinaryPrimitives.ReadUInt64BigEndian(h[256..]);
        if (hdrOffset != (ulong)offset) return Fail(offset + 256, $"hdr_offset {hdrOffset} does not match the copy's position {offset}");
        var checksumAlg = Text(h.Slice(72, 32));
        if (checksumAlg != "sha256") return Fail(offset + 72, $"unsupported checksum_alg \"{checksumAlg}\"");

        var area = new byte[hdrSize];
        head.CopyTo(area, 0);
        var got = ReadAt(stream, offset + Luks2BinaryHeaderSize, area.AsSpan(Luks2BinaryHeaderSize));
        if (got < area.Length - Luks2BinaryHeaderSize)
            return Fail(offset + Luks2BinaryHeaderSize + got, $"{name} header truncated: JSON area ends here, hdr_size claims {hdrSize} bytes");

        var valid = ChecksumMatches(area);
        var header = new Luks2BinaryHeader((ulong)offset, primary, hdrSize, BinaryPrimitives.ReadUInt64BigEndian(h[16..]),
            Text(h.Slice(24, 48)), checksumAlg, Text(h.Slice(168, 40)), Text(h.Slice(208, 48)), hdrOffset, valid);
        var error = valid ? null : new LuksFormatException(offset + ChecksumOffset, $"{name} header checksum mismatch ({checksumAlg} over {hdrSize} bytes)");
        return new Copy(offset, header, area, error);
    }

    private static bool IsValidHdrSize(ulong size) =>
        size >= 0x4000 && size <= MaxHeaderSize && (size & (size - 1)) == 0;

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
