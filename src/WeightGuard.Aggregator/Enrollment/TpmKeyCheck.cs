using WeightGuard.Aggregator.Problems;
using WeightGuard.Core.Protocol;
using WeightGuard.Tpm;
using WeightGuard.Tpm.Verification;

namespace WeightGuard.Aggregator.Enrollment;

/// <summary>The TPM keys of an enrolment after checking: the EK to protect the credential to, and the AK it names.</summary>
/// <param name="Ek">The endorsement key.</param>
/// <param name="Ak">The attestation key.</param>
/// <param name="AkBytes">The AK's TPMT_PUBLIC as sent (stored for quote verification).</param>
/// <param name="EkCertified">True when an EK certificate for this EK chained to a manufacturer CA.</param>
public sealed record TpmKeys(TpmtPublic Ek, TpmtPublic Ak, byte[] AkBytes, bool EkCertified);

/// <summary>
/// Checks the TPM part of an enrolment request before a credential is made: the AK must be a restricted signing key
/// that never leaves its TPM, the EK a restricted decryption key, and an EK certificate must certify exactly this EK
/// and chain to a TPM manufacturer CA. An EK without a certificate is accepted (recorded as not certified) unless
/// policy requires one.
/// </summary>
public sealed class TpmKeyCheck(EkCertificateValidator manufacturers)
{
    private const int MaxPublicBytes = 1024;
    private const int MaxCertificateBytes = 8192;

    private const TpmaObject AkRequired = TpmaObject.Restricted | TpmaObject.Sign | TpmaObject.FixedTpm | TpmaObject.FixedParent |
        TpmaObject.SensitiveDataOrigin;

    private const TpmaObject EkRequired = TpmaObject.Restricted | TpmaObject.Decrypt | TpmaObject.FixedTpm | TpmaObject.FixedParent;

    /// <summary>
    /// Admits an enrolment without a TPM (null) unless an EK certificate is required: a host without a TPM has none, and
    /// admitting it would let anyone with an enrolment token step around the requirement.
    /// </summary>
    public static TpmKeys? WithoutTpm(bool requireEkCertificate) => requireEkCertificate
        ? throw ProblemException.Forbidden("this aggregator requires a TPM whose EK certificate chains to a manufacturer CA; enrolment without a TPM is refused")
        : null;

    /// <summary>Checks the request's TPM keys; throws a 400 problem naming the first defect.</summary>
    /// <param name="tpm">The request's TPM part.</param>
    /// <param name="requireEkCertificate">Refuse an EK without a certificate.</param>
    public TpmKeys Check(TpmEnrollment tpm, bool requireEkCertificate)
    {
        var ek = Parse(tpm.EkPublic, "tpm.ekPublic", out _);
        var ak = Parse(tpm.AkPublic, "tpm.akPublic", out var akBytes);
        if ((ak.Attributes & AkRequired) != AkRequired || (ak.Attributes & TpmaObject.Decrypt) != 0)
            throw ProblemException.BadRequest($"tpm.akPublic: attributes 0x{(uint)ak.Attributes:x8} are not those of an attestation key (restricted, sign, fixedTPM, fixedParent, sensitiveDataOrigin; not decrypt)");
        if ((ek.Attributes & EkRequired) != EkRequired)
            throw ProblemException.BadRequest($"tpm.ekPublic: attributes 0x{(uint)ek.Attributes:x8} are not those of an endorsement key (restricted, decrypt, fixedTPM, fixedParent)");
        if (ek.Type != TpmAlgId.Rsa || ek.Symmetric.Algorithm != TpmAlgId.Aes || ek.Symmetric.Mode != TpmAlgId.Cfb || !TpmHash.IsSupported(ek.NameAlg))
            throw ProblemException.BadRequest("tpm.ekPublic: credential activation needs the RSA endorsement key with AES-CFB (EK template L-1)");
        if (ek.KeyBits is not (2048 or 3072 or 4096) || ek.Unique.Length != ek.KeyBits / 8 || ek.Symmetric.KeyBits is not (128 or 192 or 256))
            throw ProblemException.BadRequest($"tpm.ekPublic: an RSA-{ek.KeyBits} key with a {ek.Unique.Length}-byte modulus and AES-{ek.Symmetric.KeyBits} is not an endorsement key");
        if (!TpmHash.IsSupported(ak.NameAlg))
            throw ProblemException.BadRequest($"tpm.akPublic: name algorithm {TpmHash.Describe(ak.NameAlg)} is not supported");

        if (tpm.EkCertificate is null)
        {
            if (requireEkCertificate) throw ProblemException.BadRequest("this aggregator requires an EK certificate (tpm.ekCertificate)");
            return new TpmKeys(ek, ak, akBytes, EkCertified: false);
        }
        var der = Base64Field.Decode(tpm.EkCertificate, "tpm.ekCertificate", MaxCertificateBytes);
        bool certifies;
        try { certifies = EkCertificateValidator.CertifiesKey(der, ek); }
        catch (System.Security.Cryptography.CryptographicException e) { throw ProblemException.BadRequest($"tpm.ekCertificate: not an X.509 certificate: {e.Message}"); }
        if (!certifies) throw ProblemException.BadRequest("tpm.ekCertificate does not certify tpm.ekPublic");
        var validation = manufacturers.Validate(der);
        if (!validation.Trusted)
            throw ProblemException.BadRequest($"tpm.ekCertificate does not chain to a TPM manufacturer CA: {validation.Problems[0]}");
        return new TpmKeys(ek, ak, akBytes, EkCertified: true);
    }

    private static TpmtPublic Parse(string base64, string field, out byte[] bytes)
    {
        bytes = Base64Field.Decode(base64, field, MaxPublicBytes);
        try { return TpmtPublic.Parse(bytes); }
        catch (TpmFormatException e) { throw ProblemException.BadRequest($"{field}: {e.Message}"); }
    }
}
