using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace WeightGuard.Collectors.Tests.Disk;

/// <summary>
/// Edits real LUKS headers written by cryptsetup to build variants cryptsetup cannot write here (serpent, cipher_null)
/// and hostile ones. LUKS2 checksums are recomputed by this independent implementation (SHA-256 over hdr_size bytes,
/// checksum field zeroed) unless the test asks to keep them stale.
/// </summary>
public static class Luks2Rewriter
{
    public const int ChecksumOffset = 448;

    public static ulong HdrSize(string path)
    {
        var head = ReadAt(path, 0, 16);
        return BinaryPrimitives.ReadUInt64BigEndian(head.AsSpan(8));
    }

    /// <summary>Rewrites the JSON text of the chosen header copies, NUL-padding it to the JSON area size.</summary>
    public static void EditJson(string path, Func<string, string> edit, bool primary = true, bool secondary = true,
        ulong? seqid = null, bool fixChecksum = true)
    {
        var size = (int)HdrSize(path);
        foreach (var offset in Offsets(size, primary, secondary))
        {
            var area = ReadAt(path, offset, size);
            var end = Array.IndexOf(area, (byte)0, 4096);
            var json = Encoding.UTF8.GetString(area, 4096, end - 4096);
            var edited = Encoding.UTF8.GetBytes(edit(json));
            if (edited.Length > size - 4096) throw new ArgumentException("edited JSON does not fit the JSON area");
            Array.Clear(area, 4096, size - 4096);
            edited.CopyTo(area, 4096);
            if (seqid is { } s) BinaryPrimitives.WriteUInt64BigEndian(area.AsSpan(16), s);
            if (fixChecksum) Checksum(area);
            WriteAt(path, offset, area);
        }
    }

    /// <summary>Overwrites the whole JSON area (no NUL left) and re-checksums: a JSON area without its terminator.</summary>
    public static void FillJsonArea(string path, byte fill)
    {
        var size = (int)HdrSize(path);
        foreach (var offset in Offsets(size, true, true))
        {
            var area = ReadAt(path, offset, size);
            Array.Fill(area, fill, 4096, size - 4096);
            Checksum(area);
            WriteAt(path, offset, area);
        }
    }

    /// <summary>Writes raw bytes at an absolute offset, optionally re-checksumming the copy at <paramref name="copyOffset"/>.</summary>
    public static void Poke(string path, long offset, ReadOnlySpan<byte> bytes, long? copyOffset = null)
    {
        WriteAt(path, offset, bytes.ToArray());
        if (copyOffset is not { } c) return;
        var size = (int)BinaryPrimitives.ReadUInt64BigEndian(ReadAt(path, c + 8, 8));
        var area = ReadAt(path, c, size);
        Checksum(area);
        WriteAt(path, c, area);
    }

    public static byte[] ReadAt(string path, long offset, int count)
    {
        using var f = File.OpenRead(path);
        f.Seek(offset, SeekOrigin.Begin);
        var buffer = new byte[count];
        f.ReadExactly(buffer);
        return buffer;
    }

    private static void WriteAt(string path, long offset, byte[] bytes)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Write);
        f.Seek(offset, SeekOrigin.Begin);
        f.Write(bytes);
    }

    private static IEnumerable<long> Offsets(int size, bool primary, bool secondary)
    {
        if (primary) yield return 0;
        if (secondary) yield return size;
    }

    private static void Checksum(byte[] area)
    {
        Array.Clear(area, ChecksumOffset, 64);
        SHA256.HashData(area).CopyTo(area, ChecksumOffset);
    }
}
