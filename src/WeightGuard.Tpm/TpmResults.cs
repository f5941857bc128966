namespace WeightGuard.Tpm;

/// <summary>What TPM2_CreatePrimary returned.</summary>
/// <param name="Handle">The transient handle of the new key (flush it after use).</param>
/// <param name="Public">The key's public area.</param>
/// <param name="Name">The key's Name.</param>
public sealed record CreatePrimaryResult(uint Handle, TpmtPublic Public, byte[] Name);

/// <summary>What TPM2_ReadPublic returned.</summary>
/// <param name="Public">The object's public area.</param>
/// <param name="Name">Its Name.</param>
/// <param name="QualifiedName">Its qualified Name (the value quotes carry as qualifiedSigner).</param>
public sealed record ReadPublicResult(TpmtPublic Public, byte[] Name, byte[] QualifiedName);

/// <summary>What TPM2_Quote returned.</summary>
/// <param name="Attest">The signed TPMS_ATTEST bytes (without the TPM2B size).</param>
/// <param name="Signature">The signature over <paramref name="Attest"/>.</param>
public sealed record QuoteResult(byte[] Attest, TpmtSignature Signature);

/// <summary>TPMS_NV_PUBLIC: an NV index's public area.</summary>
/// <param name="Index">The NV index handle.</param>
/// <param name="NameAlg">Hash of its Name.</param>
/// <param name="Attributes">TPMA_NV.</param>
/// <param name="AuthPolicy">Its authPolicy digest.</param>
/// <param name="DataSize">Size of the data in bytes.</param>
public sealed record TpmsNvPublic(uint Index, TpmAlgId NameAlg, TpmaNv Attributes, byte[] AuthPolicy, ushort DataSize);

/// <summary>An EK certificate read from its NV index.</summary>
/// <param name="NvIndex">The NV index it was read from.</param>
/// <param name="KeyType">The key the index is defined for (<c>rsa2048</c>, <c>ecc-nist-p256</c>…).</param>
/// <param name="Der">The certificate, DER-encoded (padding after the DER structure removed).</param>
public sealed record EkCertificate(uint NvIndex, string KeyType, byte[] Der);

/// <summary>Identity and configuration of a TPM, from TPM2_GetCapability.</summary>
/// <param name="Family">TPM_PT_FAMILY_INDICATOR, e.g. <c>2.0</c>.</param>
/// <param name="Revision">Specification revision, e.g. <c>1.64</c>.</param>
/// <param name="Manufacturer">TPM_PT_MANUFACTURER as ASCII, e.g. <c>IBM</c>, <c>INTC</c>, <c>IFX</c>.</param>
/// <param name="VendorString">TPM_PT_VENDOR_STRING_1…4 joined.</param>
/// <param name="FirmwareVersion">TPM_PT_FIRMWARE_VERSION_1 and _2 as <c>major.minor.x.y</c> (16-bit parts).</param>
/// <param name="PcrCount">TPM_PT_PCR_COUNT.</param>
/// <param name="PcrBanks">Allocated PCR banks and the PCRs active in each.</param>
/// <param name="PersistentHandles">Persistent object handles present.</param>
public sealed record TpmInfo(string Family, string Revision, string Manufacturer, string VendorString, string FirmwareVersion,
    uint PcrCount, IReadOnlyList<TpmsPcrSelection> PcrBanks, IReadOnlyList<uint> PersistentHandles);
