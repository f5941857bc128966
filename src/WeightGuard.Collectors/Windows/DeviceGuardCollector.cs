using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Windows;

/// <summary>
/// Windows platform hardening in the same evidence Linux fills: <c>Win32_DeviceGuard</c>
/// (<c>root\Microsoft\Windows\DeviceGuard</c>) for virtualization-based security, Credential Guard and
/// hypervisor-protected code integrity (HVCI, reported as <c>integrity</c> lockdown: both stop even an administrator
/// from changing kernel code), and DMA protection (the IOMMU); the registry for LSA protection (<c>RunAsPPL</c>).
/// </summary>
public static class DeviceGuardCollector
{
    /// <summary>The namespace of Win32_DeviceGuard.</summary>
    public const string Namespace = @"root\Microsoft\Windows\DeviceGuard";

    private const string Lsa = @"SYSTEM\CurrentControlSet\Control\Lsa";
    private const long CredentialGuardService = 1, HvciService = 2, DmaProtectionProperty = 3;

    /// <summary>Collects platform evidence.</summary>
    public static PlatformEvidence Collect(ICimQuery cim, IRegistryReader registry)
    {
        var errors = new List<PathError>();
        var evidence = new PlatformEvidence();
        try
        {
            if (cim.Query(Namespace, "SELECT * FROM Win32_DeviceGuard").FirstOrDefault() is { } guard) evidence = Map(guard);
            else errors.Add(new PathError($@"{Namespace}\Win32_DeviceGuard", "no instance"));
        }
        catch (CimQueryException e)
        {
            errors.Add(new PathError($@"{Namespace}\Win32_DeviceGuard", e.Reason("Win32_DeviceGuard")));
        }
        bool? lsaProtection = null;
        try
        {
            // 1: protected with a UEFI lock, 2: protected without one (Windows 11 22H2+); absent or 0: off
            lsaProtection = registry.GetValue(Lsa, "RunAsPPL") is int ppl && ppl is 1 or 2;
        }
        catch (UnauthorizedAccessException e)
        {
            errors.Add(new PathError($@"HKLM\{Lsa}\RunAsPPL", e.Message));
        }
        return evidence with { LsaProtection = lsaProtection, Errors = errors };
    }

    /// <summary>Maps one Win32_DeviceGuard instance.</summary>
    public static PlatformEvidence Map(CimRow guard)
    {
        var running = guard.Integers("SecurityServicesRunning");
        var hvci = running.Contains(HvciService);
        return new PlatformEvidence
        {
            VirtualizationBasedSecurity = guard.Integer("VirtualizationBasedSecurityStatus") switch { 0 => "off", 1 => "configured", 2 => "running", _ => null },
            CredentialGuard = running.Contains(CredentialGuardService),
            HypervisorCodeIntegrity = hvci,
            Lockdown = hvci ? "integrity" : "none",
            LockdownSource = "hvci",
            IommuActive = guard.Integers("AvailableSecurityProperties").Contains(DmaProtectionProperty),
        };
    }
}
