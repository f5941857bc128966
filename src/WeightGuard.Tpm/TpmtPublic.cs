using System.Security.Cryptography;
using WeightGuard.Tpm.Marshalling;

namespace WeightGuard.Tpm;

/// <summary>TPMT_SYM_DEF_OBJECT: the symmetric algorithm of a storage or EK key (<see cref="TpmAlgId.Null"/> for none).</summary>
/// <param name="Algorithm">TPM_ALG_AES or TPM_ALG_NULL.</param>
/// <param name="KeyBits">Key size in bits (0 when the algorithm is NULL).</param>
/// <param name="Mode">Block mode, TPM_ALG_CFB for EKs.</param>
public sealed record TpmtSymDefObject(TpmAlgId Algorithm, ushort KeyBits = 0, TpmAlgId Mode = TpmAlgId.Null)
{
    /// <summary>No symmetric algorithm.</summary>
    public static TpmtSymDefObject None { get; } = new(TpmAlgId.Null);
}

/// <summary>TPMT_PUBLIC (part 2 §12.2.4) for RSA and ECC keys, with its exact wire bytes (from which the Name is computed).</summary>
public sealed class TpmtPublic
{
    /// <summary>Largest RSA modulus or ECC coordinate accepted from a TPM.</summary>
    private const int MaxUnique = 512;

    /// <summary>Largest authPolicy digest accepted (SHA-512).</summary>
    private const int MaxPolicy = 64;

    /// <summary>TPM_ALG_RSA or TPM_ALG_ECC.</summary>
    public required TpmAlgId Type { get; init; }
    /// <summary>Hash used for the Name (and for quote PCR digests when this key signs).</summary>
    public required TpmAlgId NameAlg { get; init; }
    /// <summary>TPMA_OBJECT.</summary>
    public required TpmaObject Attributes { get; init; }
    /// <summary>authPolicy digest (empty when none).</summary>
    public byte[] AuthPolicy { get; init; } = [];
    /// <summary>Symmetric parameters (EK: AES-128-CFB; signing keys: NULL).</summary>
    public TpmtSymDefObject Symmetric { get; init; } = TpmtSymDefObject.None;
    /// <summary>The signing or encryption scheme (TPM_ALG_NULL, RSASSA, RSAPSS, ECDSA…).</summary>
    public TpmAlgId Scheme { get; init; } = TpmAlgId.Null;
    /// <summary>The scheme's hash (absent on the wire when the scheme is NULL).</summary>
    public TpmAlgId SchemeHash { get; init; } = TpmAlgId.Null;
    /// <summary>RSA key size in bits.</summary>
    public ushort KeyBits { get; init; }
    /// <summary>RSA exponent as marshalled (0 means 65537).</summary>
    public uint Exponent { get; init; }
    /// <summary>ECC curve.</summary>
    public TpmEccCurve Curve { get; init; }
    /// <summary>ECC KDF scheme (TPM_ALG_NULL for EKs and AKs).</summary>
    public TpmAlgId Kdf { get; init; } = TpmAlgId.Null;
    /// <summary>ECC KDF hash.</summary>
    public TpmAlgId KdfHash { get; init; } = TpmAlgId.Null;
    /// <summary>RSA modulus, or the ECC point's X coordinate.</summary>
    public byte[] Unique { get; init; } = [];
    /// <summary>The ECC point's Y coordinate (empty for RSA).</summary>
    public byte[] UniqueY { get; init; } = [];

    /// <summary>Marshals this structure as TPMT_PUBLIC (without the TPM2B size).</summary>
    public byte[] ToBytes()
    {
        var w = new TpmWriter();
        w.Alg(Type).Alg(NameAlg).U32((uint)Attributes).Sized(AuthPolicy);
        w.Alg(Symmetric.Algorithm);
        if (Symmetric.Algorithm != TpmAlgId.Null) w.U16(Symmetric.KeyBits).Alg(Symmetric.Mode);
        w.Alg(Scheme);
        if (Scheme != TpmAlgId.Null) w.Alg(SchemeHash);
        switch (Type)
        {
            case TpmAlgId.Rsa:
                w.U16(KeyBits).U32(Exponent).Sized(Unique);
                break;
            case TpmAlgId.Ecc:
                w.U16((ushort)Curve).Alg(Kdf);
                if (Kdf != TpmAlgId.Null) w.Alg(KdfHash);
                w.Sized(Unique).Sized(UniqueY);
                break;
            default:
                throw new InvalidOperationException($"cannot marshal a key of type {TpmHash.Describe(Type)}");
        }
        return w.ToArray();
    }

    /// <summary>Parses TPMT_PUBLIC bytes (the contents of a TPM2B_PUBLIC) completely.</summary>
    /// <exception cref="TpmFormatException">Malformed, truncated, trailing bytes, or a key type other than RSA/ECC.</exception>
    public static TpmtPublic Parse(byte[] bytes)
    {
        var r = new TpmReader(bytes);
        var result = Read(r);
        r.ExpectEnd("TPMT_PUBLIC");
        return result;
    }

    internal static TpmtPublic Read(TpmReader r)
    {
        var typeAt = r.Offset;
        var type = r.Alg("TPMT_PUBLIC.type");
        var nameAlg = r.Alg("TPMT_PUBLIC.nameAlg");
        var attributes = (TpmaObject)r.U32("TPMT_PUBLIC.objectAttributes");
        var policy = r.Sized("TPMT_PUBLIC.authPolicy", MaxPolicy);
        if (type is not (TpmAlgId.Rsa or TpmAlgId.Ecc))
            throw new TpmFormatException($"offset {typeAt}: TPMT_PUBLIC.type {TpmHash.Describe(type)} is neither RSA nor ECC");
        var symAlg = r.Alg("TPMT_SYM_DEF_OBJECT.algorithm");
        var sym = symAlg == TpmAlgId.Null
            ? TpmtSymDefObject.None
            : new TpmtSymDefObject(symAlg, r.U16("TPMT_SYM_DEF_OBJECT.keyBits"), r.Alg("TPMT_SYM_DEF_OBJECT.mode"));
        var scheme = r.Alg("scheme");
        var schemeHash = scheme == TpmAlgId.Null ? TpmAlgId.Null : r.Alg("scheme.hashAlg");
        if (type == TpmAlgId.Rsa)
        {
            var keyBits = r.U16("TPMS_RSA_PARMS.keyBits");
            var exponent = r.U32("TPMS_RSA_PARMS.exponent");
            var modulus = r.Sized("TPM2B_PUBLIC_KEY_RSA", MaxUnique);
            return new TpmtPublic
            {
                Type = type, NameAlg = nameAlg, Attributes = attributes, AuthPolicy = policy, Symmetric = sym,
                Scheme = scheme, SchemeHash = schemeHash, KeyBits = keyBits, Exponent = exponent, Unique = modulus,
            };
        }
        var curve = (TpmEccCurve)r.U16("TPMS_ECC_PARMS.curveID");
        var kdf = r.Alg("TPMT_KDF_SCHEME.scheme");
        var kdfHash = kdf == TpmAlgId.Null ? TpmAlgId.Null : r.Alg("TPMT_KDF_SCHEME.hashAlg");
        var x = r.Sized("TPMS_ECC_POINT.x", MaxUnique);
        var y = r.Sized("TPMS_ECC_POINT.y", MaxUnique);
        return new TpmtPublic
        {
            Type = type, NameAlg = nameAlg, Attributes = attributes, AuthPolicy = policy, Symmetric = sym,
            Scheme = scheme, SchemeHash = schemeHash, Curve = curve, Kdf = kdf, KdfHash = kdfHash, Unique = x, UniqueY = y,
        };
    }

    /// <summary>The object's Name: <c>nameAlg || H_nameAlg(TPMT_PUBLIC)</c>.</summary>
    public byte[] ComputeName()
    {
        var digest = TpmHash.Hash(NameAlg, ToBytes());
        var name = new byte[2 + digest.Length];
        name[0] = (byte)((ushort)NameAlg >> 8);
        name[1] = (byte)NameAlg;
        digest.CopyTo(name, 2);
        return name;
    }

    /// <summary>The RSA public key (RSA keys only).</summary>
    public RSA ToRsa()
    {
        if (Type != TpmAlgId.Rsa) throw new InvalidOperationException("not an RSA key");
        var exponent = Exponent == 0 ? 65537u : Exponent;
        var e = new byte[] { (byte)(exponent >> 24), (byte)(exponent >> 16), (byte)(exponent >> 8), (byte)exponent }
            .SkipWhile(b => b == 0).ToArray();
        return RSA.Create(new RSAParameters { Modulus = Unique, Exponent = e });
    }

    /// <summary>The ECDSA public key (ECC keys on NIST P-256/384/521 only).</summary>
    public ECDsa ToECDsa() => ECDsa.Create(EcParameters());

    /// <summary>The key as an X.509 SubjectPublicKeyInfo (DER).</summary>
    public byte[] ExportSubjectPublicKeyInfo()
    {
        if (Type == TpmAlgId.Rsa) { using var rsa = ToRsa(); return rsa.ExportSubjectPublicKeyInfo(); }
        using var ec = ToECDsa();
        return ec.ExportSubjectPublicKeyInfo();
    }

    /// <summary>True when <paramref name="other"/> holds the same public key material (type, curve, modulus/point).</summary>
    public bool SameKeyAs(TpmtPublic other) =>
        Type == other.Type && Curve == other.Curve && Unique.AsSpan().SequenceEqual(other.Unique) &&
        UniqueY.AsSpan().SequenceEqual(other.UniqueY);

    internal ECParameters EcParameters()
    {
        if (Type != TpmAlgId.Ecc) throw new InvalidOperationException("not an ECC key");
        var curve = Curve switch
        {
            TpmEccCurve.NistP256 => ECCurve.NamedCurves.nistP256,
            TpmEccCurve.NistP384 => ECCurve.NamedCurves.nistP384,
            TpmEccCurve.NistP521 => ECCurve.NamedCurves.nistP521,
            _ => throw new NotSupportedException($"ECC curve 0x{(ushort)Curve:x4} is not supported"),
        };
        var size = CoordinateSize(Curve);
        return new ECParameters { Curve = curve, Q = new ECPoint { X = LeftPad(Unique, size), Y = LeftPad(UniqueY, size) } };
    }

    internal static int CoordinateSize(TpmEccCurve curve) => curve switch
    {
        TpmEccCurve.NistP256 => 32,
        TpmEccCurve.NistP384 => 48,
        TpmEccCurve.NistP521 => 66,
        _ => throw new NotSupportedException($"ECC curve 0x{(ushort)curve:x4} is not supported"),
    };

    /// <summary>Left-pads a big-endian integer to <paramref name="size"/> bytes (TPMs strip leading zeros).</summary>
    internal static byte[] LeftPad(byte[] value, int size)
    {
        if (value.Length > size) throw new CryptographicException($"value of {value.Length} bytes exceeds {size}");
        if (value.Length == size) return value;
        var padded = new byte[size];
        value.CopyTo(padded, size - value.Length);
        return padded;
    }
}
