using System.Buffers.Binary;

namespace WeightGuard.Tpm.Marshalling;

/// <summary>Appends TPM structures in the TPM's big-endian wire format.</summary>
internal sealed class TpmWriter
{
    private byte[] _buffer = new byte[256];

    public int Length { get; private set; }

    public TpmWriter U8(byte v) { Ensure(1)[0] = v; Length += 1; return this; }

    public TpmWriter U16(ushort v) { BinaryPrimitives.WriteUInt16BigEndian(Ensure(2), v); Length += 2; return this; }

    public TpmWriter U32(uint v) { BinaryPrimitives.WriteUInt32BigEndian(Ensure(4), v); Length += 4; return this; }

    public TpmWriter Alg(TpmAlgId alg) => U16((ushort)alg);

    public TpmWriter Bytes(ReadOnlySpan<byte> bytes) { bytes.CopyTo(Ensure(bytes.Length)); Length += bytes.Length; return this; }

    /// <summary>A TPM2B: u16 size then the bytes.</summary>
    public TpmWriter Sized(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > ushort.MaxValue) throw new ArgumentException("TPM2B payload larger than 65535 bytes");
        return U16((ushort)bytes.Length).Bytes(bytes);
    }

    /// <summary>Overwrites a u32 written earlier (command size, authorization size).</summary>
    public void PatchU32(int offset, uint v) => BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(offset, 4), v);

    public byte[] ToArray() => _buffer.AsSpan(0, Length).ToArray();

    private Span<byte> Ensure(int n)
    {
        if (Length + n > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + n));
        return _buffer.AsSpan(Length, n);
    }
}
