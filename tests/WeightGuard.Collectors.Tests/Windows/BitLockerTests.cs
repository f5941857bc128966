using Moq;
using WeightGuard.Collectors.Windows;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Tests.Windows;

/// <summary>
/// BitLocker evidence from Win32_EncryptableVolume instances (CIM cannot run on this machine, so the source is a mock fed
/// with instance values in the codes Windows returns: see the Win32_EncryptableVolume method documentation).
/// </summary>
[TestFixture]
public sealed class BitLockerTests
{
    // Windows 11 23H2 workstation defaults: OS volume XTS-AES-128 with TPM + recovery password; a data volume
    // with BitLocker suspended for a firmware update; a USB stick never encrypted; a second data disk mid-encryption.
    private static readonly BitLockerVolumeRecord OsVolume = new(@"\\?\Volume{3f1d2c4b-0000-0000-0000-100000000000}\", "C:", 0, 1, 1, 100, 0, 6, 0, [1, 3]);
    private static readonly BitLockerVolumeRecord Suspended = new(@"\\?\Volume{3f1d2c4b-0000-0000-0000-200000000000}\", "D:", 1, 0, 1, 100, 1, 7, 0, [3, 4]);
    private static readonly BitLockerVolumeRecord Usb = new(@"\\?\Volume{3f1d2c4b-0000-0000-0000-300000000000}\", "E:", 2, 0, 0, 0, 0, 0, 0, []);
    private static readonly BitLockerVolumeRecord Converting = new(@"\\?\Volume{3f1d2c4b-0000-0000-0000-400000000000}\", "F:", 1, 0, 2, 37, 0, 7, 0, [8]);
    private static readonly BitLockerVolumeRecord Locked = new(@"\\?\Volume{3f1d2c4b-0000-0000-0000-500000000000}\", "G:", 1, 2, null, null, null, null, 1, [8]);

    [Test]
    public void Raw_codes_map_to_named_evidence()
    {
        var os = BitLockerEvidenceMapper.Map(OsVolume);
        Assert.Multiple(() =>
        {
            Assert.That((os.VolumeType, os.ProtectionStatus, os.ConversionStatus, os.EncryptionMethod, os.KeyBits),
                Is.EqualTo(("os", "protected", "fully-encrypted", "xts-aes-128", (int?)256)));
            Assert.That(os.Unlock.Select(u => u.Method), Is.EqualTo(new[] { "bitlocker-tpm", "bitlocker-numerical-password" }));
            Assert.That((os.Verdict.Encrypted, os.UsedSpaceOnly, os.Locked), Is.EqualTo((EncryptionState.Encrypted, (bool?)false, (bool?)false)));
        });
    }

    [Test]
    public void Suspended_partial_and_off_volumes_are_not_encrypted_at_rest()
    {
        var suspended = BitLockerEvidenceMapper.Map(Suspended);
        var usb = BitLockerEvidenceMapper.Map(Usb);
        var converting = BitLockerEvidenceMapper.Map(Converting);
        Assert.Multiple(() =>
        {
            Assert.That(suspended.Verdict.Encrypted, Is.EqualTo(EncryptionState.Unencrypted));
            Assert.That(suspended.Verdict.Reason, Does.Contain("suspended"));
            Assert.That((suspended.EncryptionMethod, suspended.KeyBits, suspended.UsedSpaceOnly), Is.EqualTo(("xts-aes-256", (int?)512, (bool?)true)));
            Assert.That(suspended.Unlock.Select(u => u.Method), Is.EqualTo(new[] { "bitlocker-numerical-password", "bitlocker-tpm-pin" }));
            Assert.That((usb.VolumeType, usb.EncryptionMethod, usb.Verdict.Encrypted), Is.EqualTo(("removable", "none", EncryptionState.Unencrypted)));
            Assert.That(converting.Verdict.Reason, Does.Contain("encryption-in-progress, 37%"));
            Assert.That(BitLockerEvidenceMapper.Map(Locked).Verdict.Encrypted, Is.EqualTo(EncryptionState.Encrypted));
        });
    }

    [Test]
    public void Weight_paths_take_the_verdict_of_their_drive()
    {
        var source = new Mock<IBitLockerSource>();
        source.Setup(s => s.GetVolumes()).Returns([OsVolume, Suspended, Usb]);
        var evidence = new BitLockerCollector(source.Object).Collect([@"C:\models\llama.safetensors", @"d:\ckpt", @"\\filer\models\x"]);
        Assert.Multiple(() =>
        {
            Assert.That(evidence.BitLocker, Has.Count.EqualTo(3));
            Assert.That(evidence.Paths.Select(p => p.Verdict.Encrypted),
                Is.EqualTo(new[] { EncryptionState.Encrypted, EncryptionState.Unencrypted, EncryptionState.Unknown }));
            Assert.That(evidence.Paths[0].Chain.Single().Kind, Is.EqualTo("bitlocker"));
            Assert.That(evidence.Paths[0].Volumes.Single().Type, Is.EqualTo("BITLK"));
            Assert.That(evidence.Paths[2].Verdict.Reason, Does.Contain("UNC"));
        });
    }

    [Test]
    public void A_source_that_is_denied_becomes_a_problem_not_a_crash()
    {
        var source = new Mock<IBitLockerSource>();
        source.Setup(s => s.GetVolumes()).Throws(new UnauthorizedAccessException("Access denied"));
        var evidence = new BitLockerCollector(source.Object).Collect([@"C:\models"]);
        Assert.Multiple(() =>
        {
            Assert.That(evidence.Problems.Single(), Does.Contain("Access denied").And.Contain("run elevated"));
            Assert.That(evidence.Paths.Single().Verdict.Encrypted, Is.EqualTo(EncryptionState.Unknown));
        });
    }

    [Test]
    public void The_cim_source_is_offered_only_on_windows()
    {
        Assert.That(BitLockerCollector.ForThisHost() is null, Is.EqualTo(!OperatingSystem.IsWindows()));
    }
}
