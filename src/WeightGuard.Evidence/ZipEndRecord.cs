using System.Buffers.Binary;

namespace WeightGuard.Evidence;

/// <summary>
/// Reads the entry count from a zip's end-of-central-directory record (or its Zip64 form) before the archive is opened,
/// so that a central directory claiming millions of entries is refused before anything is allocated for them.
/// </summary>
internal static class ZipEndRecord
{
    private const uint EndSignature = 0x06054b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    private const uint Zip64EndSignature = 0x06064b50;
    private const int EndSize = 22;
    private const int Zip64LocatorSize = 20;
    private const int MaxComment = ushort.MaxValue;

    /// <summary>The number of entries the archive declares, or null when no end record is found (the zip reader then says what is wrong).</summary>
    public static ulong? DeclaredEntries(Stream zip)
    {
        var tailLength = (int)Math.Min(zip.Length, EndSize + MaxComment + Zip64LocatorSize);
        var tail = new byte[tailLength];
        zip.Seek(-tailLength, SeekOrigin.End);
        zip.ReadExactly(tail);
        for (var at = tailLength - EndSize; at >= 0; at--)
        {
            var record = tail.AsSpan(at);
            if (BinaryPrimitives.ReadUInt32LittleEndian(record) != EndSignature) continue;
            if (BinaryPrimitives.ReadUInt16LittleEndian(record[20..]) != tailLength - at - EndSize) continue; // comment must reach the end
            var entries = BinaryPrimitives.ReadUInt16LittleEndian(record[10..]);
            if (entries != ushort.MaxValue) return entries;
            return at >= Zip64LocatorSize ? Zip64Entries(zip, tail.AsSpan(at - Zip64LocatorSize, Zip64LocatorSize)) : null;
        }
        return null;
    }

    private static ulong? Zip64Entries(Stream zip, ReadOnlySpan<byte> locator)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(locator) != Zip64LocatorSignature) return ushort.MaxValue;
        var offset = BinaryPrimitives.ReadUInt64LittleEndian(locator[8..]);
        if (offset > (ulong)zip.Length - 56) return null;
        Span<byte> record = stackalloc byte[56];
        zip.Seek((long)offset, SeekOrigin.Begin);
        zip.ReadExactly(record);
        return BinaryPrimitives.ReadUInt32LittleEndian(record) == Zip64EndSignature ? BinaryPrimitives.ReadUInt64LittleEndian(record[32..]) : null;
    }
}
