using System.Buffers.Binary;

namespace WeightGuard.Tpm.Marshalling;

/// <summary>
/// Reads big-endian TPM structures from untrusted bytes. Every read is bounds-checked and a short buffer raises a
/// <see cref="TpmFormatException"/> naming the field and its offset; no length is trusted before it is checked.
/// </summary>
internal sealed class TpmReader(byte[] data, int start = 0, int? end = null)
{
    private readonly int _end = end ?? data.Length;

    public int Offset { get; private set; } = start;

    public int Remaining => _end - Offset;

    public byte U8(string field) => Take(1, field)[0];

    public ushort U16(string field) => BinaryPrimitives.ReadUInt16BigEndian(Take(2, field));

    public uint U32(string field) => BinaryPrimitives.ReadUInt32BigEndian(Take(4, field));

    public ulong U64(string field) => BinaryPrimitives.ReadUInt64BigEndian(Take(8, field));

    public TpmAlgId Alg(string field) => (TpmAlgId)U16(field);

    public byte[] Bytes(int count, string field) => Take(count, field).ToArray();

    /// <summary>A TPM2B: u16 size then that many bytes, at most <paramref name="max"/>.</summary>
    public byte[] Sized(string field, int max = ushort.MaxValue)
    {
        var at = Offset;
        var size = U16(field + ".size");
        if (size > max) throw new TpmFormatException($"offset {at}: {field} size {size} exceeds the maximum {max}");
        return Bytes(size, field);
    }

    /// <summary>A reader over the next TPM2B's contents (for structures nested in a sized buffer).</summary>
    public TpmReader SizedReader(string field)
    {
        var size = U16(field + ".size");
        var inner = new TpmReader(data, Offset, Offset + Need(size, field));
        Offset += size;
        return inner;
    }

    /// <summary>A u32 count that must not exceed <paramref name="max"/> (TPML lists).</summary>
    public int Count(string field, int max)
    {
        var at = Offset;
        var n = U32(field);
        if (n > max) throw new TpmFormatException($"offset {at}: {field} {n} exceeds the maximum {max}");
        return (int)n;
    }

    public void ExpectEnd(string structure)
    {
        if (Remaining != 0) throw new TpmFormatException($"offset {Offset}: {Remaining} unexpected bytes after {structure}");
    }

    private int Need(int count, string field)
    {
        if (count > Remaining)
            throw new TpmFormatException($"offset {Offset}: {field} needs {count} bytes but only {Remaining} remain");
        return count;
    }

    private ReadOnlySpan<byte> Take(int count, string field)
    {
        Need(count, field);
        var span = data.AsSpan(Offset, count);
        Offset += count;
        return span;
    }
}
