namespace WeightGuard.Tpm;

/// <summary>TPM_ALG_ID (TPM 2.0 Library part 2 §6.3): the algorithms WeightGuard marshals or verifies.</summary>
public enum TpmAlgId : ushort
{
    /// <summary>TPM_ALG_ERROR.</summary>
    Error = 0x0000,
    /// <summary>TPM_ALG_RSA.</summary>
    Rsa = 0x0001,
    /// <summary>TPM_ALG_SHA1.</summary>
    Sha1 = 0x0004,
    /// <summary>TPM_ALG_HMAC.</summary>
    Hmac = 0x0005,
    /// <summary>TPM_ALG_AES.</summary>
    Aes = 0x0006,
    /// <summary>TPM_ALG_KEYEDHASH.</summary>
    KeyedHash = 0x0008,
    /// <summary>TPM_ALG_SHA256.</summary>
    Sha256 = 0x000B,
    /// <summary>TPM_ALG_SHA384.</summary>
    Sha384 = 0x000C,
    /// <summary>TPM_ALG_SHA512.</summary>
    Sha512 = 0x000D,
    /// <summary>TPM_ALG_NULL.</summary>
    Null = 0x0010,
    /// <summary>TPM_ALG_SM3_256.</summary>
    Sm3_256 = 0x0012,
    /// <summary>TPM_ALG_RSASSA (PKCS#1 v1.5 signatures).</summary>
    RsaSsa = 0x0014,
    /// <summary>TPM_ALG_RSAES.</summary>
    RsaEs = 0x0015,
    /// <summary>TPM_ALG_RSAPSS.</summary>
    RsaPss = 0x0016,
    /// <summary>TPM_ALG_OAEP.</summary>
    Oaep = 0x0017,
    /// <summary>TPM_ALG_ECDSA.</summary>
    EcDsa = 0x0018,
    /// <summary>TPM_ALG_ECDH.</summary>
    EcDh = 0x0019,
    /// <summary>TPM_ALG_SYMCIPHER.</summary>
    SymCipher = 0x0025,
    /// <summary>TPM_ALG_ECC.</summary>
    Ecc = 0x0023,
    /// <summary>TPM_ALG_CFB.</summary>
    Cfb = 0x0043,
    /// <summary>TPM_ALG_SHA3_256.</summary>
    Sha3_256 = 0x0027,
    /// <summary>TPM_ALG_SHA3_384.</summary>
    Sha3_384 = 0x0028,
    /// <summary>TPM_ALG_SHA3_512.</summary>
    Sha3_512 = 0x0029,
}

/// <summary>TPM_ECC_CURVE (part 2 §6.4).</summary>
public enum TpmEccCurve : ushort
{
    /// <summary>TPM_ECC_NONE.</summary>
    None = 0x0000,
    /// <summary>TPM_ECC_NIST_P256.</summary>
    NistP256 = 0x0003,
    /// <summary>TPM_ECC_NIST_P384.</summary>
    NistP384 = 0x0004,
    /// <summary>TPM_ECC_NIST_P521.</summary>
    NistP521 = 0x0005,
}

/// <summary>TPM_CC (part 2 §6.5): the command codes this client sends.</summary>
public enum TpmCc : uint
{
    /// <summary>TPM2_CreatePrimary.</summary>
    CreatePrimary = 0x00000131,
    /// <summary>TPM2_Startup.</summary>
    Startup = 0x00000144,
    /// <summary>TPM2_ActivateCredential.</summary>
    ActivateCredential = 0x00000147,
    /// <summary>TPM2_NV_Read.</summary>
    NvRead = 0x0000014E,
    /// <summary>TPM2_PolicySecret.</summary>
    PolicySecret = 0x00000151,
    /// <summary>TPM2_Quote.</summary>
    Quote = 0x00000158,
    /// <summary>TPM2_FlushContext.</summary>
    FlushContext = 0x00000165,
    /// <summary>TPM2_NV_ReadPublic.</summary>
    NvReadPublic = 0x00000169,
    /// <summary>TPM2_ReadPublic.</summary>
    ReadPublic = 0x00000173,
    /// <summary>TPM2_StartAuthSession.</summary>
    StartAuthSession = 0x00000176,
    /// <summary>TPM2_GetCapability.</summary>
    GetCapability = 0x0000017A,
    /// <summary>TPM2_GetRandom.</summary>
    GetRandom = 0x0000017B,
    /// <summary>TPM2_PCR_Read.</summary>
    PcrRead = 0x0000017E,
    /// <summary>TPM2_PCR_Extend.</summary>
    PcrExtend = 0x00000182,
}

/// <summary>TPM_ST structure tags (part 2 §6.9).</summary>
public static class TpmSt
{
    /// <summary>TPM_ST_RSP_COMMAND: the tag a TPM 1.2 or a TPM that cannot parse the header answers with.</summary>
    public const ushort RspCommand = 0x00C4;
    /// <summary>TPM_ST_NO_SESSIONS.</summary>
    public const ushort NoSessions = 0x8001;
    /// <summary>TPM_ST_SESSIONS.</summary>
    public const ushort Sessions = 0x8002;
    /// <summary>TPM_ST_ATTEST_QUOTE.</summary>
    public const ushort AttestQuote = 0x8018;
    /// <summary>TPM_ST_CREATION.</summary>
    public const ushort Creation = 0x8021;
}

/// <summary>TPM_RH and TPM_RS handles (part 2 §7.4) and handle ranges.</summary>
public static class TpmRh
{
    /// <summary>TPM_RH_OWNER.</summary>
    public const uint Owner = 0x40000001;
    /// <summary>TPM_RH_NULL.</summary>
    public const uint Null = 0x40000007;
    /// <summary>TPM_RS_PW: the password authorization session.</summary>
    public const uint Password = 0x40000009;
    /// <summary>TPM_RH_ENDORSEMENT.</summary>
    public const uint Endorsement = 0x4000000B;
    /// <summary>TPM_RH_PLATFORM.</summary>
    public const uint Platform = 0x4000000C;
    /// <summary>First NV index handle.</summary>
    public const uint NvIndexFirst = 0x01000000;
    /// <summary>First transient object handle.</summary>
    public const uint TransientFirst = 0x80000000;
    /// <summary>First persistent object handle.</summary>
    public const uint PersistentFirst = 0x81000000;
}

/// <summary>TPMA_OBJECT bits (part 2 §8.3).</summary>
[Flags]
public enum TpmaObject : uint
{
    /// <summary>No attributes.</summary>
    None = 0,
    /// <summary>fixedTPM.</summary>
    FixedTpm = 0x00000002,
    /// <summary>stClear.</summary>
    StClear = 0x00000004,
    /// <summary>fixedParent.</summary>
    FixedParent = 0x00000010,
    /// <summary>sensitiveDataOrigin.</summary>
    SensitiveDataOrigin = 0x00000020,
    /// <summary>userWithAuth.</summary>
    UserWithAuth = 0x00000040,
    /// <summary>adminWithPolicy.</summary>
    AdminWithPolicy = 0x00000080,
    /// <summary>noDA.</summary>
    NoDa = 0x00000400,
    /// <summary>encryptedDuplication.</summary>
    EncryptedDuplication = 0x00000800,
    /// <summary>restricted.</summary>
    Restricted = 0x00010000,
    /// <summary>decrypt.</summary>
    Decrypt = 0x00020000,
    /// <summary>sign / encrypt.</summary>
    Sign = 0x00040000,
}

/// <summary>TPMA_NV bits (part 2 §13.4) that decide how an index may be read.</summary>
[Flags]
public enum TpmaNv : uint
{
    /// <summary>No attributes.</summary>
    None = 0,
    /// <summary>TPMA_NV_PPREAD.</summary>
    PpRead = 0x00010000,
    /// <summary>TPMA_NV_OWNERREAD.</summary>
    OwnerRead = 0x00020000,
    /// <summary>TPMA_NV_AUTHREAD.</summary>
    AuthRead = 0x00040000,
    /// <summary>TPMA_NV_POLICYREAD.</summary>
    PolicyRead = 0x00080000,
    /// <summary>TPMA_NV_WRITTEN.</summary>
    Written = 0x20000000,
}

/// <summary>TPM_CAP values (part 2 §6.12) and TPM_PT properties (§6.13) that WeightGuard reads.</summary>
public static class TpmCap
{
    /// <summary>TPM_CAP_HANDLES.</summary>
    public const uint Handles = 0x00000001;
    /// <summary>TPM_CAP_PCRS.</summary>
    public const uint Pcrs = 0x00000005;
    /// <summary>TPM_CAP_TPM_PROPERTIES.</summary>
    public const uint TpmProperties = 0x00000006;

    /// <summary>TPM_PT_FAMILY_INDICATOR: the first fixed property.</summary>
    public const uint PtFamilyIndicator = 0x100;
    /// <summary>TPM_PT_REVISION (×100).</summary>
    public const uint PtRevision = 0x102;
    /// <summary>TPM_PT_MANUFACTURER.</summary>
    public const uint PtManufacturer = 0x105;
    /// <summary>TPM_PT_VENDOR_STRING_1 (…_4 follow).</summary>
    public const uint PtVendorString1 = 0x106;
    /// <summary>TPM_PT_FIRMWARE_VERSION_1.</summary>
    public const uint PtFirmwareVersion1 = 0x10B;
    /// <summary>TPM_PT_FIRMWARE_VERSION_2.</summary>
    public const uint PtFirmwareVersion2 = 0x10C;
    /// <summary>TPM_PT_PCR_COUNT.</summary>
    public const uint PtPcrCount = 0x112;
    /// <summary>TPM_PT_NV_BUFFER_MAX.</summary>
    public const uint PtNvBufferMax = 0x12C;
}
