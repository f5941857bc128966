using System.Buffers.Binary;
using System.Text;

namespace WeightGuard.Tpm.Tests;

/// <summary>Builds crypto-agile event logs byte by byte, for rules no real log in the corpus exercises.</summary>
internal sealed class SyntheticLog(params TpmAlgId[] banks)
{
    private readonly List<byte> _events = [];

    /// <summary>Appends a TCG_PCR_EVENT2 whose digest in every bank is the hash of <paramref name="measured"/>.</summary>
    public SyntheticLog Add(uint pcr, uint type, byte[] data, byte[]? measured = null) =>
        AddRaw(pcr, type, banks.Select(b => (b, TpmHash.Hash(b, measured ?? data))).ToArray(), data);

    /// <summary>Appends a TCG_PCR_EVENT2 with the digests given.</summary>
    public SyntheticLog AddRaw(uint pcr, uint type, (TpmAlgId Alg, byte[] Digest)[] digests, byte[] data)
    {
        _events.AddRange([.. U32(pcr), .. U32(type), .. U32((uint)digests.Length)]);
        foreach (var (alg, digest) in digests) _events.AddRange([.. U16((ushort)alg), .. digest]);
        _events.AddRange([.. U32((uint)data.Length), .. data]);
        return this;
    }

    /// <summary>The log: a Spec ID Event03 header listing the banks, then the events.</summary>
    public byte[] Build()
    {
        var spec = new List<byte>();
        spec.AddRange("Spec ID Event03\0"u8.ToArray());
        spec.AddRange([0, 0, 0, 0, 0, 2, 0, 2, .. U32((uint)banks.Length)]);
        foreach (var b in banks) spec.AddRange([.. U16((ushort)b), .. U16((ushort)TpmHash.DigestSize(b))]);
        spec.Add(0);
        return [.. U32(0), .. U32(3), .. new byte[20], .. U32((uint)spec.Count), .. spec, .. _events];
    }

    /// <summary>UEFI_VARIABLE_DATA for a variable.</summary>
    public static byte[] Variable(Guid vendor, string name, byte[] value) =>
        [.. vendor.ToByteArray(), .. U64((ulong)name.Length), .. U64((ulong)value.Length), .. Encoding.Unicode.GetBytes(name), .. value];

    public static byte[] U16(ushort v) { var b = new byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(b, v); return b; }
    public static byte[] U32(uint v) { var b = new byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); return b; }
    public static byte[] U64(ulong v) { var b = new byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, v); return b; }
}
