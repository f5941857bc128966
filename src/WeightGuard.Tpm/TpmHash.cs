using System.Security.Cryptography;

namespace WeightGuard.Tpm;

/// <summary>Maps TPM hash algorithm identifiers to .NET hashing and to the names used on the command line.</summary>
public static class TpmHash
{
    /// <summary>True for the hash algorithms WeightGuard can compute (SHA-1, SHA-256, SHA-384, SHA-512).</summary>
    public static bool IsSupported(TpmAlgId alg) => alg is TpmAlgId.Sha1 or TpmAlgId.Sha256 or TpmAlgId.Sha384 or TpmAlgId.Sha512;

    /// <summary>
    /// True for the algorithms whose digests WeightGuard can compute to replay an event log: the supported ones and SM3-256
    /// (see <see cref="Sm3"/>), which has no .NET signing or HMAC support.
    /// </summary>
    public static bool CanDigest(TpmAlgId alg) => IsSupported(alg) || alg == TpmAlgId.Sm3_256;

    /// <summary>The digest size in bytes of a supported hash, or of SM3-256/SHA3; 0 for anything else.</summary>
    public static int DigestSize(TpmAlgId alg) => alg switch
    {
        TpmAlgId.Sha1 => 20,
        TpmAlgId.Sha256 or TpmAlgId.Sm3_256 or TpmAlgId.Sha3_256 => 32,
        TpmAlgId.Sha384 or TpmAlgId.Sha3_384 => 48,
        TpmAlgId.Sha512 or TpmAlgId.Sha3_512 => 64,
        _ => 0,
    };

    /// <summary>The .NET name of a supported hash.</summary>
    public static HashAlgorithmName HashName(TpmAlgId alg) => alg switch
    {
        TpmAlgId.Sha1 => HashAlgorithmName.SHA1,
        TpmAlgId.Sha256 => HashAlgorithmName.SHA256,
        TpmAlgId.Sha384 => HashAlgorithmName.SHA384,
        TpmAlgId.Sha512 => HashAlgorithmName.SHA512,
        _ => throw new NotSupportedException($"hash algorithm {Describe(alg)} is not supported"),
    };

    /// <summary>Hashes <paramref name="data"/> with an algorithm <see cref="CanDigest"/> accepts.</summary>
    public static byte[] Hash(TpmAlgId alg, ReadOnlySpan<byte> data) =>
        alg == TpmAlgId.Sm3_256 ? Sm3.Hash(data) : CryptographicOperations.HashData(HashName(alg), data);

    /// <summary>An incremental hash for a supported algorithm.</summary>
    public static IncrementalHash Create(TpmAlgId alg) => IncrementalHash.CreateHash(HashName(alg));

    /// <summary>The lower-case name (<c>sha256</c>) of an algorithm, or <c>0xNNNN</c> when it has none.</summary>
    public static string Describe(TpmAlgId alg) => alg switch
    {
        TpmAlgId.Sha1 => "sha1",
        TpmAlgId.Sha256 => "sha256",
        TpmAlgId.Sha384 => "sha384",
        TpmAlgId.Sha512 => "sha512",
        TpmAlgId.Sm3_256 => "sm3_256",
        TpmAlgId.Sha3_256 => "sha3_256",
        TpmAlgId.Sha3_384 => "sha3_384",
        TpmAlgId.Sha3_512 => "sha3_512",
        _ => $"0x{(ushort)alg:x4}",
    };

    /// <summary>Parses <c>sha1</c>, <c>sha256</c>, <c>sha384</c>, <c>sha512</c> or <c>sm3_256</c>; null for anything else.</summary>
    public static TpmAlgId? FromName(string name) => name.ToLowerInvariant() switch
    {
        "sha1" => TpmAlgId.Sha1,
        "sha256" => TpmAlgId.Sha256,
        "sha384" => TpmAlgId.Sha384,
        "sha512" => TpmAlgId.Sha512,
        "sm3_256" => TpmAlgId.Sm3_256,
        _ => null,
    };
}
