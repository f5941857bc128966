namespace WeightGuard.Collectors.Windows;

/// <summary>
/// One <c>Win32_EncryptableVolume</c> as CIM returns it: raw uint32 codes from its properties and methods, null where
/// a method failed or a property is absent (older Windows builds).
/// </summary>
/// <param name="DeviceId"><c>DeviceID</c> (<c>\\?\Volume{…}\</c>).</param>
/// <param name="DriveLetter"><c>DriveLetter</c> (<c>C:</c>) or null.</param>
/// <param name="VolumeType"><c>VolumeType</c>: 0 OS, 1 fixed data, 2 removable.</param>
/// <param name="ProtectionStatus"><c>GetProtectionStatus</c>: 0 unprotected, 1 protected, 2 unknown.</param>
/// <param name="ConversionStatus"><c>GetConversionStatus</c>: 0 fully decrypted … 5 decryption paused.</param>
/// <param name="EncryptionPercentage"><c>GetConversionStatus</c> EncryptionPercentage.</param>
/// <param name="EncryptionFlags"><c>GetConversionStatus</c> EncryptionFlags (0x1 used space only).</param>
/// <param name="EncryptionMethod"><c>GetEncryptionMethod</c>: 0 none … 7 XTS-AES-256.</param>
/// <param name="LockStatus"><c>GetLockStatus</c>: 0 unlocked, 1 locked.</param>
/// <param name="KeyProtectorTypes"><c>GetKeyProtectorType</c> of every id from <c>GetKeyProtectors(0)</c>.</param>
public sealed record BitLockerVolumeRecord(
    string DeviceId,
    string? DriveLetter,
    uint? VolumeType,
    uint? ProtectionStatus,
    uint? ConversionStatus,
    uint? EncryptionPercentage,
    uint? EncryptionFlags,
    uint? EncryptionMethod,
    uint? LockStatus,
    IReadOnlyList<uint> KeyProtectorTypes);

/// <summary>Where BitLocker volume data comes from: CIM on a Windows host, recorded instances in tests.</summary>
public interface IBitLockerSource
{
    /// <summary>Every encryptable volume. Needs an elevated process; throws <see cref="UnauthorizedAccessException"/> otherwise.</summary>
    IReadOnlyList<BitLockerVolumeRecord> GetVolumes();
}
