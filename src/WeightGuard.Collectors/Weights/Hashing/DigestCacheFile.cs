using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using WeightGuard.Collectors.Native;

namespace WeightGuard.Collectors.Weights.Hashing;

/// <summary>
/// The digest cache on disk: <c>"WGDIGEST"</c>, u32 format version, u32 entry count, the entries, then the SHA-256 of
/// everything before it. Each entry: u64 device, u64 inode, i64 size, i64 mtime s, u32 mtime ns, i64 ctime s,
/// u32 ctime ns, 32 digest bytes, u16 path length, UTF-8 path (little-endian throughout). The file is untrusted input:
/// decoding is bounded and strict, and a file another user could have written is not used at all.
/// </summary>
public static class DigestCacheFile
{
    /// <summary>The format written; a file of any other version is discarded (its entries may mean something else).</summary>
    public const uint FormatVersion = 1;

    /// <summary>Most entries read or written.</summary>
    public const int MaxEntries = 1_000_000;

    /// <summary>Longest path, in UTF-8 bytes.</summary>
    public const int MaxPathBytes = 4096;

    /// <summary>Largest cache file read.</summary>
    public const long MaxBytes = 256L << 20;

    private static ReadOnlySpan<byte> Magic => "WGDIGEST"u8;
    private const int HeaderBytes = 16, FixedEntryBytes = 8 * 5 + 4 * 2 + 32 + 2, ChecksumBytes = 32;

    /// <summary>Encodes entries (at most <see cref="MaxEntries"/>).</summary>
    /// <exception cref="ArgumentException">Too many entries, or a path too long or not absolute.</exception>
    public static byte[] Encode(IReadOnlyCollection<DigestCacheEntry> entries)
    {
        if (entries.Count > MaxEntries) throw new ArgumentException($"more than {MaxEntries} digest cache entries", nameof(entries));
        using var buffer = new MemoryStream();
        Span<byte> fixedPart = stackalloc byte[FixedEntryBytes];
        buffer.Write(Magic);
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(header, FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)entries.Count);
        buffer.Write(header);
        foreach (var e in entries)
        {
            var path = Encoding.UTF8.GetBytes(e.Path);
            if (path.Length is 0 or > MaxPathBytes || e.Path[0] != '/') throw new ArgumentException($"digest cache path not absolute or too long: {e.Path}", nameof(entries));
            var k = e.Key;
            BinaryPrimitives.WriteUInt64LittleEndian(fixedPart, k.Device);
            BinaryPrimitives.WriteUInt64LittleEndian(fixedPart[8..], k.Inode);
            BinaryPrimitives.WriteInt64LittleEndian(fixedPart[16..], k.Size);
            BinaryPrimitives.WriteInt64LittleEndian(fixedPart[24..], k.ModifiedSeconds);
            BinaryPrimitives.WriteUInt32LittleEndian(fixedPart[32..], k.ModifiedNanoseconds);
            BinaryPrimitives.WriteInt64LittleEndian(fixedPart[36..], k.ChangedSeconds);
            BinaryPrimitives.WriteUInt32LittleEndian(fixedPart[44..], k.ChangedNanoseconds);
            e.Sha256.AsSpan().CopyTo(fixedPart[48..80]);
            BinaryPrimitives.WriteUInt16LittleEndian(fixedPart[80..], (ushort)path.Length);
            buffer.Write(fixedPart);
            buffer.Write(path);
        }
        buffer.Write(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
        return buffer.ToArray();
    }

    /// <summary>Decodes a cache file's bytes.</summary>
    /// <exception cref="InvalidDataException">Anything not exactly as written by <see cref="Encode"/> (the message names the offset).</exception>
    public static IReadOnlyList<DigestCacheEntry> Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length < HeaderBytes + ChecksumBytes) throw new InvalidDataException($"{data.Length} bytes, shorter than a header and checksum");
        if (!data.StartsWith(Magic)) throw new InvalidDataException("offset 0: not a WeightGuard digest cache");
        var version = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
        if (version != FormatVersion) throw new InvalidDataException($"offset 8: format version {version}, expected {FormatVersion}");
        var body = data[..^ChecksumBytes];
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(data[^ChecksumBytes..]))
            throw new InvalidDataException($"offset {body.Length}: checksum does not match the content");
        var count = BinaryPrimitives.ReadUInt32LittleEndian(data[12..]);
        if (count > MaxEntries) throw new InvalidDataException($"offset 12: {count} entries, more than {MaxEntries}");
        if (count > (body.Length - HeaderBytes) / FixedEntryBytes) throw new InvalidDataException($"offset 12: {count} entries do not fit in {data.Length} bytes");
        var entries = new List<DigestCacheEntry>((int)count);
        var seen = new HashSet<(ulong, ulong)>();
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        var offset = HeaderBytes;
        for (var i = 0; i < count; i++)
        {
            if (body.Length - offset < FixedEntryBytes) throw new InvalidDataException($"offset {offset}: entry {i} is cut short");
            var e = body.Slice(offset, FixedEntryBytes);
            var key = new DigestCacheKey(
                BinaryPrimitives.ReadUInt64LittleEndian(e), BinaryPrimitives.ReadUInt64LittleEndian(e[8..]),
                BinaryPrimitives.ReadInt64LittleEndian(e[16..]), BinaryPrimitives.ReadInt64LittleEndian(e[24..]),
                BinaryPrimitives.ReadUInt32LittleEndian(e[32..]), BinaryPrimitives.ReadInt64LittleEndian(e[36..]),
                BinaryPrimitives.ReadUInt32LittleEndian(e[44..]));
            if (key.Size < 0 || key.ModifiedNanoseconds >= 1_000_000_000 || key.ChangedNanoseconds >= 1_000_000_000)
                throw new InvalidDataException($"offset {offset}: entry {i} has a negative size or nanoseconds out of range");
            if (!seen.Add(key.Identity)) throw new InvalidDataException($"offset {offset}: entry {i} repeats device {key.Device} inode {key.Inode}");
            var pathLength = BinaryPrimitives.ReadUInt16LittleEndian(e[80..]);
            offset += FixedEntryBytes;
            if (pathLength is 0 or > MaxPathBytes || body.Length - offset < pathLength)
                throw new InvalidDataException($"offset {offset - 2}: entry {i} path length {pathLength} is out of bounds");
            string path;
            try
            {
                path = utf8.GetString(body.Slice(offset, pathLength));
            }
            catch (DecoderFallbackException)
            {
                throw new InvalidDataException($"offset {offset}: entry {i} path is not UTF-8");
            }
            if (path[0] != '/' || path.Contains('\0')) throw new InvalidDataException($"offset {offset}: entry {i} path is not an absolute path");
            offset += pathLength;
            entries.Add(new DigestCacheEntry(path, key, e[48..80].ToArray()));
        }
        if (offset != body.Length) throw new InvalidDataException($"offset {offset}: {body.Length - offset} bytes after the last entry");
        return entries;
    }

    /// <summary>
    /// Reads the cache at <paramref name="path"/>. A missing file is an empty cache. A file that is not a regular file,
    /// is not owned by the user running the scan, is writable by group or others, is too large or does not decode is
    /// discarded: its entries are not used and <paramref name="warning"/> says why.
    /// </summary>
    public static IReadOnlyList<DigestCacheEntry> Load(string path, out string? warning)
    {
        warning = null;
        try
        {
            using var handle = RegularFile.Open(path, out var status);
            if (handle is null) return Discard(path, "not a regular file", out warning);
            if (status.Uid != LibC.geteuid()) return Discard(path, $"owned by uid {status.Uid}, not by the user scanning", out warning);
            if ((status.Permissions & 0b000_010_010) != 0) return Discard(path, $"mode {status.OctalMode} lets others write it", out warning);
            if (status.Size > MaxBytes) return Discard(path, $"{status.Size} bytes, more than {MaxBytes}", out warning);
            var data = new byte[status.Size];
            if (RegularFile.ReadAt(handle, data, 0) != data.Length) return Discard(path, "shorter than when it was opened", out warning);
            return Decode(data);
        }
        catch (IOException e) when (e.HResult == LibC.ENOENT)
        {
            return [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return Discard(path, e.Message, out warning);
        }
    }

    private static IReadOnlyList<DigestCacheEntry> Discard(string path, string why, out string warning)
    {
        warning = $"digest cache {path} discarded, every weight file is read again: {why}";
        return [];
    }

    /// <summary>
    /// Replaces the cache at <paramref name="path"/> atomically: a temporary file beside it (owner-only), written and
    /// flushed to disk, renamed over the old one, then the directory flushed so the rename survives a crash.
    /// </summary>
    /// <exception cref="IOException">The cache could not be written.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    public static void Save(string path, IReadOnlyCollection<DigestCacheEntry> entries)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var bytes = Encode(entries);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
        var fd = LibC.open(directory, LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (fd < 0) throw LibC.Failure(directory);
        using var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
        if (LibC.fsync(fd) != 0) throw LibC.Failure(directory);
    }
}
