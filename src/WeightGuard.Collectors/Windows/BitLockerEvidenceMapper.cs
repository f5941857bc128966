using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Windows;

/// <summary>
/// Maps raw <c>Win32_EncryptableVolume</c> codes to <see cref="BitLockerVolume"/> evidence: names for the codes, the
/// key size implied by the method (counted like LUKS: XTS counts both halves, so XTS-AES-256 is 512), the key
/// protectors as unlock methods, and whether the volume encrypts data at rest.
/// </summary>
public static class BitLockerEvidenceMapper
{
    /// <summary>Maps one volume.</summary>
    public static BitLockerVolume Map(BitLockerVolumeRecord v)
    {
        var protection = v.ProtectionStatus switch { 0 => "unprotected", 1 => "protected", _ => "unknown" };
        var conversion = v.ConversionStatus switch
        {
            0 => "fully-decrypted",
            1 => "fully-encrypted",
            2 => "encryption-in-progress",
            3 => "decryption-in-progress",
            4 => "encryption-paused",
            5 => "decryption-paused",
            _ => "unknown",
        };
        var (method, bits) = v.EncryptionMethod switch
        {
            0 => ("none", (int?)null),
            1 => ("aes-128-cbc-diffuser", 128),
            2 => ("aes-256-cbc-diffuser", 256),
            3 => ("aes-128-cbc", 128),
            4 => ("aes-256-cbc", 256),
            5 => ("hardware", null),
            6 => ("xts-aes-128", 256),
            7 => ("xts-aes-256", 512),
            _ => ("unknown", null),
        };
        var volumeType = v.VolumeType switch { 0 => "os", 1 => "fixed", 2 => "removable", _ => null };
        bool? usedSpaceOnly = v.EncryptionFlags is { } flags ? (flags & 1) != 0 : null;
        bool? locked = v.LockStatus switch { 0 => false, 1 => true, _ => null };
        var unlock = v.KeyProtectorTypes.Select(t => new UnlockMethod("bitlocker-" + ProtectorName(t), [],
            new SortedDictionary<string, string>(StringComparer.Ordinal))).ToList();
        return new BitLockerVolume(v.DeviceId, v.DriveLetter, volumeType, protection, conversion,
            v.EncryptionPercentage is { } p ? (int)Math.Min(p, 100) : null, usedSpaceOnly, method, bits, locked, unlock,
            Verdict(v, conversion, method, usedSpaceOnly == true));
    }

    private static EncryptionVerdict Verdict(BitLockerVolumeRecord v, string conversion, string method, bool usedSpaceOnly)
    {
        var name = v.DriveLetter ?? v.DeviceId;
        if (v.LockStatus == 1) return new EncryptionVerdict(EncryptionState.Encrypted, true, $"{name} is a locked BitLocker volume");
        return (v.ConversionStatus, v.ProtectionStatus) switch
        {
            (1, 1) => new EncryptionVerdict(EncryptionState.Encrypted, true,
                $"{name} is fully encrypted with BitLocker ({method}){(usedSpaceOnly ? "; only used space was encrypted, free space may hold old plaintext" : "")}"),
            (1, 0) => new EncryptionVerdict(EncryptionState.Unencrypted, true,
                $"{name}: BitLocker protection is suspended, so the volume key is stored in the clear on the disk"),
            (0, _) => new EncryptionVerdict(EncryptionState.Unencrypted, true, $"{name} is not encrypted (BitLocker off)"),
            (2 or 3 or 4 or 5, _) => new EncryptionVerdict(EncryptionState.Unencrypted, true,
                $"{name} is only partly encrypted ({conversion}, {v.EncryptionPercentage ?? 0}%)"),
            _ => new EncryptionVerdict(EncryptionState.Unknown, true, $"{name}: BitLocker status not reported"),
        };
    }

    private static string ProtectorName(uint type) => type switch
    {
        1 => "tpm",
        2 => "external-key",
        3 => "numerical-password",
        4 => "tpm-pin",
        5 => "tpm-startup-key",
        6 => "tpm-pin-startup-key",
        7 => "public-key",
        8 => "passphrase",
        9 => "tpm-certificate",
        10 => "cng",
        _ => "unknown",
    };
}
