using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using WeightGuard.Tpm.Marshalling;

namespace WeightGuard.Tpm;

/// <summary>The two buffers TPM2_ActivateCredential takes.</summary>
/// <param name="CredentialBlob">TPM2B_ID_OBJECT contents: integrityHMAC (TPM2B) followed by the encrypted credential.</param>
/// <param name="Secret">TPM2B_ENCRYPTED_SECRET contents: the seed, RSA-OAEP-encrypted to the EK.</param>
public sealed record MakeCredentialResult(byte[] CredentialBlob, byte[] Secret);

/// <summary>
/// TPM2_MakeCredential done in software by the verifier (Library part 1 §24, part 3 §12.6): only a TPM holding the EK's
/// private key, with an object of the given Name loaded, can recover the credential with TPM2_ActivateCredential.
/// </summary>
public static class CredentialMaker
{
    /// <summary>Protects <paramref name="credential"/> for the EK <paramref name="ek"/> and the key named <paramref name="objectName"/>.</summary>
    /// <exception cref="NotSupportedException">The EK is not an RSA storage key with AES-CFB (the default template L-1).</exception>
    public static MakeCredentialResult Make(TpmtPublic ek, byte[] objectName, byte[] credential)
    {
        if (ek.Type != TpmAlgId.Rsa)
            throw new NotSupportedException("credential protection is implemented for RSA endorsement keys (template L-1)");
        if (ek.Symmetric.Algorithm != TpmAlgId.Aes || ek.Symmetric.Mode != TpmAlgId.Cfb)
            throw new NotSupportedException("the EK's symmetric algorithm must be AES-CFB");
        var digestSize = TpmHash.DigestSize(ek.NameAlg);
        if (credential.Length > digestSize)
            throw new ArgumentException($"credential of {credential.Length} bytes exceeds the EK nameAlg digest size {digestSize}");

        var seed = RandomNumberGenerator.GetBytes(digestSize);
        var encryptedSeed = RsaOaep.Encrypt(ek, seed, "IDENTITY\0"u8);

        var symKey = Kdf.KdfA(ek.NameAlg, seed, "STORAGE", objectName, [], ek.Symmetric.KeyBits);
        var plain = new TpmWriter().Sized(credential).ToArray();       // TPM2B_DIGEST credential
        var encIdentity = AesCfb.Encrypt(symKey, plain);

        var hmacKey = Kdf.KdfA(ek.NameAlg, seed, "INTEGRITY", [], [], digestSize * 8);
        using var hmac = IncrementalHash.CreateHMAC(TpmHash.HashName(ek.NameAlg), hmacKey);
        hmac.AppendData(encIdentity);
        hmac.AppendData(objectName);
        var integrity = hmac.GetHashAndReset();

        var blob = new TpmWriter().Sized(integrity).Bytes(encIdentity).ToArray();
        CryptographicOperations.ZeroMemory(seed);
        CryptographicOperations.ZeroMemory(symKey);
        CryptographicOperations.ZeroMemory(hmacKey);
        return new MakeCredentialResult(blob, encryptedSeed);
    }
}

/// <summary>AES in CFB-128 mode with a zero IV over any length, as the TPM uses for credentials (no padding).</summary>
internal static class AesCfb
{
    public static byte[] Encrypt(byte[] key, byte[] plain)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        var output = new byte[plain.Length];
        var feedback = new byte[16];
        var keystream = new byte[16];
        for (var i = 0; i < plain.Length; i += 16)
        {
            aes.EncryptEcb(feedback, keystream, PaddingMode.None);
            var n = Math.Min(16, plain.Length - i);
            for (var j = 0; j < n; j++) output[i + j] = (byte)(plain[i + j] ^ keystream[j]);
            if (n == 16) output.AsSpan(i, 16).CopyTo(feedback);
        }
        return output;
    }
}

/// <summary>
/// RSAES-OAEP (RFC 8017 §7.1.1) with a label, which .NET's <see cref="RSAEncryptionPadding"/> cannot carry; the TPM
/// requires the label <c>IDENTITY\0</c> for credential seeds. Public-key operation only.
/// </summary>
internal static class RsaOaep
{
    public static byte[] Encrypt(TpmtPublic key, ReadOnlySpan<byte> message, ReadOnlySpan<byte> label)
    {
        var hash = key.NameAlg;
        var hLen = TpmHash.DigestSize(hash);
        var k = key.Unique.Length;
        if (message.Length > k - 2 * hLen - 2) throw new CryptographicException("message too long for RSA-OAEP");

        var db = new byte[k - hLen - 1];
        TpmHash.Hash(hash, label).CopyTo(db, 0);
        db[db.Length - message.Length - 1] = 0x01;
        message.CopyTo(db.AsSpan(db.Length - message.Length));
        var seed = RandomNumberGenerator.GetBytes(hLen);
        Xor(db, Mgf1(hash, seed, db.Length));
        Xor(seed, Mgf1(hash, db, hLen));

        var em = new byte[k];
        seed.CopyTo(em, 1);
        db.CopyTo(em, 1 + hLen);
        var n = new BigInteger(key.Unique, isUnsigned: true, isBigEndian: true);
        var e = new BigInteger(key.Exponent == 0 ? 65537u : key.Exponent);
        var c = BigInteger.ModPow(new BigInteger(em, isUnsigned: true, isBigEndian: true), e, n);
        CryptographicOperations.ZeroMemory(em);
        CryptographicOperations.ZeroMemory(db);
        return TpmtPublic.LeftPad(c.ToByteArray(isUnsigned: true, isBigEndian: true), k);
    }

    private static byte[] Mgf1(TpmAlgId hash, byte[] seed, int length)
    {
        var mask = new byte[length];
        var input = new byte[seed.Length + 4];
        seed.CopyTo(input, 0);
        for (int counter = 0, done = 0; done < length; counter++)
        {
            BinaryPrimitives.WriteInt32BigEndian(input.AsSpan(seed.Length), counter);
            var block = TpmHash.Hash(hash, input);
            var take = Math.Min(block.Length, length - done);
            block.AsSpan(0, take).CopyTo(mask.AsSpan(done));
            done += take;
        }
        return mask;
    }

    private static void Xor(byte[] target, byte[] mask)
    {
        for (var i = 0; i < target.Length; i++) target[i] ^= mask[i];
    }
}
