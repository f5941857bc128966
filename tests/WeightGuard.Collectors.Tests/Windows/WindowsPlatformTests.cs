using WeightGuard.Collectors.Windows;
using WeightGuard.Core.Evidence;
using static WeightGuard.Collectors.Tests.Windows.WindowsFakes;

namespace WeightGuard.Collectors.Tests.Windows;

/// <summary>Windows Secure Boot, TPM, Device Guard and LSA protection mapped to the evidence Linux fills.</summary>
[TestFixture]
public sealed class WindowsPlatformTests
{
    private const string Control = @"SYSTEM\CurrentControlSet\Control";
    private const string State = Control + @"\SecureBoot\State";
    private const string Lsa = Control + @"\Lsa";

    [Test]
    public void Secure_boot_comes_from_the_registry()
    {
        var on = WindowsBootCollector.Collect(Registry((Control, "PEFirmwareType", 2), (State, "UEFISecureBootEnabled", 1)).Object);
        var off = WindowsBootCollector.Collect(Registry((Control, "PEFirmwareType", 2), (State, "UEFISecureBootEnabled", 0)).Object);
        var bios = WindowsBootCollector.Collect(Registry((Control, "PEFirmwareType", 1)).Object);
        var noType = WindowsBootCollector.Collect(Registry().Object);
        var missingValue = WindowsBootCollector.Collect(Registry((Control, "PEFirmwareType", 2), (State, "Other", 1)).Object);
        var denied = WindowsBootCollector.Collect(DeniedRegistry().Object);
        Assert.Multiple(() =>
        {
            Assert.That((on.Firmware, on.SecureBoot, on.Error), Is.EqualTo(("uefi", (bool?)true, (string?)null)));
            Assert.That((off.Firmware, off.SecureBoot), Is.EqualTo(("uefi", (bool?)false)));
            Assert.That((bios.Firmware, bios.SecureBoot, bios.Error), Is.EqualTo(("bios", (bool?)null, (string?)null)));
            Assert.That(noType.Firmware, Is.EqualTo("bios"), "no SecureBoot\\State key and no firmware type: legacy boot");
            Assert.That((missingValue.SecureBoot, missingValue.Error), Is.EqualTo(((bool?)null, @"HKLM\SYSTEM\CurrentControlSet\Control\SecureBoot\State\UEFISecureBootEnabled is missing or not a DWORD")));
            Assert.That((denied.Firmware, denied.SecureBoot), Is.EqualTo(("unknown", (bool?)null)));
            Assert.That(denied.Error, Does.Contain("not allowed"));
        });
    }

    private static readonly CimRow Tpm = Row("Win32_Tpm", ("SpecVersion", "2.0, 0, 1.38"), ("ManufacturerId", 0x494E5443u), ("ManufacturerVersion", "403.1.0.0"),
        ("IsEnabled_InitialValue", true), ("IsActivated_InitialValue", true), ("IsOwned_InitialValue", true));

    [Test]
    public void Tpm_from_win32_tpm_or_kept_from_tbs()
    {
        var cim = WindowsTpmCollector.Collect(Cim(("Win32_Tpm", new[] { Tpm })).Object, null);
        var notOwned = WindowsTpmCollector.Collect(Cim(("Win32_Tpm", new[] { Tpm with { Properties = new Dictionary<string, object?>(Tpm.Properties) { ["IsOwned_InitialValue"] = false } } })).Object, null);
        var none = WindowsTpmCollector.Collect(Cim(("Win32_Tpm", Array.Empty<CimRow>())).Object, null);
        var denied = WindowsTpmCollector.Collect(Cim(("Win32_Tpm", CimFailure.AccessDenied)).Object, null);
        var tbs = new TpmEvidence { Present = true, Source = "tbs", Version = "2.0", Manufacturer = "IFX", EkCertificates = [new("0x01C00002", "rsa2048", "CN=Infineon")] };
        var merged = WindowsTpmCollector.Collect(Cim(("Win32_Tpm", new[] { Tpm })).Object, tbs);
        Assert.Multiple(() =>
        {
            Assert.That((cim.Present, cim.Version, cim.Revision, cim.Manufacturer, cim.FirmwareVersion, cim.Ready),
                Is.EqualTo((true, "2.0", "1.38", "INTC", "403.1.0.0", (bool?)true)));
            Assert.That(notOwned.Ready, Is.False);
            Assert.That((none.Present, none.Error), Is.EqualTo((false, (string?)null)), "no instance: no TPM");
            Assert.That((denied.Present, denied.Error), Is.EqualTo((false, "Win32_Tpm: access denied (run WeightGuard elevated)")));
            Assert.That((merged.Source, merged.Manufacturer, merged.EkCertificates.Count, merged.Ready), Is.EqualTo(("tbs", "IFX", 1, (bool?)true)));
        });
    }

    [Test]
    public void Device_guard_and_lsa_protection_fill_platform_evidence()
    {
        var guard = Row("Win32_DeviceGuard", ("VirtualizationBasedSecurityStatus", 2u), ("SecurityServicesRunning", new uint[] { 1, 2 }),
            ("AvailableSecurityProperties", new uint[] { 1, 2, 3, 5 }));
        var p = DeviceGuardCollector.Collect(Cim(("Win32_DeviceGuard", new[] { guard })).Object, Registry((Lsa, "RunAsPPL", 2)).Object);
        var bare = DeviceGuardCollector.Collect(Cim(("Win32_DeviceGuard", new[] { Row("Win32_DeviceGuard", ("VirtualizationBasedSecurityStatus", 0u)) })).Object,
            Registry((Lsa, "RunAsPPL", 0)).Object);
        Assert.Multiple(() =>
        {
            Assert.That((p.VirtualizationBasedSecurity, p.CredentialGuard, p.HypervisorCodeIntegrity, p.Lockdown, p.LockdownSource, p.IommuActive, p.LsaProtection),
                Is.EqualTo(("running", (bool?)true, (bool?)true, "integrity", "hvci", (bool?)true, (bool?)true)));
            Assert.That(p.Errors, Is.Empty);
            Assert.That((bare.VirtualizationBasedSecurity, bare.CredentialGuard, bare.Lockdown, bare.IommuActive, bare.LsaProtection),
                Is.EqualTo(("off", (bool?)false, "none", (bool?)false, (bool?)false)));
        });
    }

    [Test]
    public void Missing_device_guard_class_and_denied_registry_are_errors_not_false()
    {
        var missing = DeviceGuardCollector.Collect(Cim(("Win32_DeviceGuard", CimFailure.NotFound)).Object, Registry((Lsa, "RunAsPPL", 1)).Object);
        var denied = DeviceGuardCollector.Collect(Cim(("Win32_DeviceGuard", CimFailure.AccessDenied)).Object, DeniedRegistry().Object);
        Assert.Multiple(() =>
        {
            Assert.That((missing.Lockdown, missing.IommuActive, missing.CredentialGuard, missing.LsaProtection), Is.EqualTo(((string?)null, (bool?)null, (bool?)null, (bool?)true)));
            Assert.That(missing.Errors.Single().Reason, Does.StartWith("Win32_DeviceGuard: not available on this Windows"));
            Assert.That(denied.LsaProtection, Is.Null);
            Assert.That(denied.Errors.Select(e => e.Path), Is.EqualTo(new[] { @"root\Microsoft\Windows\DeviceGuard\Win32_DeviceGuard", @"HKLM\SYSTEM\CurrentControlSet\Control\Lsa\RunAsPPL" }));
            Assert.That(denied.Errors[0].Reason, Does.Contain("run WeightGuard elevated"));
        });
    }
}
