namespace WeightGuard.Tpm;

/// <summary>
/// Key templates: the TCG default EK templates (EK Credential Profile 2.x, templates L-1 and L-2) and restricted
/// signing attestation keys. Primaries are deterministic, so the same template under the same seed gives the same key.
/// </summary>
public static class TpmTemplates
{
    /// <summary>PolicySecret(TPM_RH_ENDORSEMENT) with SHA-256: the authPolicy of the default EK templates.</summary>
    public static readonly byte[] EkPolicySha256 = Convert.FromHexString("837197674484B3F81A90CC8D46A5D724FD52D76E06520B64F2A1DA1B331469AA");

    private const TpmaObject EkAttributes = TpmaObject.FixedTpm | TpmaObject.FixedParent | TpmaObject.SensitiveDataOrigin |
        TpmaObject.AdminWithPolicy | TpmaObject.Restricted | TpmaObject.Decrypt;

    private const TpmaObject AkAttributes = TpmaObject.FixedTpm | TpmaObject.FixedParent | TpmaObject.SensitiveDataOrigin |
        TpmaObject.UserWithAuth | TpmaObject.NoDa | TpmaObject.Restricted | TpmaObject.Sign;

    /// <summary>EK template L-1: RSA-2048, AES-128-CFB, SHA-256, 256 zero bytes of unique.</summary>
    public static TpmtPublic EkRsa2048() => new()
    {
        Type = TpmAlgId.Rsa, NameAlg = TpmAlgId.Sha256, Attributes = EkAttributes, AuthPolicy = EkPolicySha256,
        Symmetric = new TpmtSymDefObject(TpmAlgId.Aes, 128, TpmAlgId.Cfb), KeyBits = 2048, Unique = new byte[256],
    };

    /// <summary>EK template L-2: ECC NIST P-256, AES-128-CFB, SHA-256, 32 zero bytes for each coordinate.</summary>
    public static TpmtPublic EkEccP256() => new()
    {
        Type = TpmAlgId.Ecc, NameAlg = TpmAlgId.Sha256, Attributes = EkAttributes, AuthPolicy = EkPolicySha256,
        Symmetric = new TpmtSymDefObject(TpmAlgId.Aes, 128, TpmAlgId.Cfb), Curve = TpmEccCurve.NistP256,
        Unique = new byte[32], UniqueY = new byte[32],
    };

    /// <summary>Restricted RSA-2048 signing key (RSASSA-SHA256) for quotes.</summary>
    public static TpmtPublic AkRsa() => new()
    {
        Type = TpmAlgId.Rsa, NameAlg = TpmAlgId.Sha256, Attributes = AkAttributes,
        Scheme = TpmAlgId.RsaSsa, SchemeHash = TpmAlgId.Sha256, KeyBits = 2048,
    };

    /// <summary>Restricted ECC P-256 signing key (ECDSA-SHA256) for quotes.</summary>
    public static TpmtPublic AkEcc() => new()
    {
        Type = TpmAlgId.Ecc, NameAlg = TpmAlgId.Sha256, Attributes = AkAttributes,
        Scheme = TpmAlgId.EcDsa, SchemeHash = TpmAlgId.Sha256, Curve = TpmEccCurve.NistP256,
    };
}
