using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace WeightGuard.Tpm;

/// <summary>The TPM's key derivation function KDFa (TPM 2.0 Library part 1 §11.4.10.2, SP 800-108 counter mode with HMAC).</summary>
public static class Kdf
{
    /// <summary>
    /// KDFa(hashAlg, key, label, contextU, contextV, bits): HMAC(key, [i]₃₂ ‖ label ‖ 00 ‖ contextU ‖ contextV ‖ [bits]₃₂)
    /// for i = 1, 2, … concatenated and cut to <paramref name="bits"/>.
    /// </summary>
    public static byte[] KdfA(TpmAlgId hashAlg, byte[] key, string label, ReadOnlySpan<byte> contextU, ReadOnlySpan<byte> contextV, int bits)
    {
        var bytes = (bits + 7) / 8;
        var labelBytes = Encoding.ASCII.GetBytes(label.EndsWith('\0') ? label : label + "\0");
        var result = new byte[bytes];
        using var hmac = IncrementalHash.CreateHMAC(TpmHash.HashName(hashAlg), key);
        Span<byte> u32 = stackalloc byte[4];
        for (uint counter = 1, done = 0; done < bytes; counter++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(u32, counter);
            hmac.AppendData(u32);
            hmac.AppendData(labelBytes);
            hmac.AppendData(contextU);
            hmac.AppendData(contextV);
            BinaryPrimitives.WriteUInt32BigEndian(u32, (uint)bits);
            hmac.AppendData(u32);
            var block = hmac.GetHashAndReset();
            var take = (int)Math.Min(block.Length, bytes - done);
            block.AsSpan(0, take).CopyTo(result.AsSpan((int)done));
            done += (uint)take;
        }
        if (bits % 8 != 0) result[0] &= (byte)(0xFF >> (8 - bits % 8));
        return result;
    }
}
