using WeightGuard.Tpm.Marshalling;

namespace WeightGuard.Tpm;

/// <summary>TPMT_SIGNATURE (part 2 §11.3.4) for RSASSA, RSAPSS and ECDSA.</summary>
/// <param name="SigAlg">The signature scheme.</param>
/// <param name="Hash">The hash the signature was made over.</param>
/// <param name="Signature">RSA signature bytes, or the ECDSA r value.</param>
/// <param name="S">The ECDSA s value (empty for RSA).</param>
public sealed record TpmtSignature(TpmAlgId SigAlg, TpmAlgId Hash, byte[] Signature, byte[] S)
{
    private const int MaxValue = 512;

    /// <summary>Parses TPMT_SIGNATURE bytes completely.</summary>
    /// <exception cref="TpmFormatException">Malformed, truncated, trailing bytes, or an unsupported scheme.</exception>
    public static TpmtSignature Parse(byte[] bytes)
    {
        var r = new TpmReader(bytes);
        var sig = Read(r);
        r.ExpectEnd("TPMT_SIGNATURE");
        return sig;
    }

    internal static TpmtSignature Read(TpmReader r)
    {
        var at = r.Offset;
        var alg = r.Alg("TPMT_SIGNATURE.sigAlg");
        var hash = r.Alg("TPMT_SIGNATURE.hash");
        return alg switch
        {
            TpmAlgId.RsaSsa or TpmAlgId.RsaPss => new TpmtSignature(alg, hash, r.Sized("TPMS_SIGNATURE_RSA.sig", MaxValue), []),
            TpmAlgId.EcDsa => new TpmtSignature(alg, hash, r.Sized("TPMS_SIGNATURE_ECC.signatureR", MaxValue),
                r.Sized("TPMS_SIGNATURE_ECC.signatureS", MaxValue)),
            _ => throw new TpmFormatException($"offset {at}: signature scheme {TpmHash.Describe(alg)} is not RSASSA, RSAPSS or ECDSA"),
        };
    }

    /// <summary>Marshals the signature as TPMT_SIGNATURE (the form <c>tpm2_checkquote -s</c> reads).</summary>
    public byte[] ToBytes()
    {
        var w = new TpmWriter().Alg(SigAlg).Alg(Hash).Sized(Signature);
        if (SigAlg == TpmAlgId.EcDsa) w.Sized(S);
        return w.ToArray();
    }
}
