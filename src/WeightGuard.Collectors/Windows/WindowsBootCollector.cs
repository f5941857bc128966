using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Windows;

/// <summary>
/// Firmware type and Secure Boot state from the registry: <c>PEFirmwareType</c> (1 BIOS, 2 UEFI) under
/// <c>SYSTEM\CurrentControlSet\Control</c>, and <c>UEFISecureBootEnabled</c> under its <c>SecureBoot\State</c> key
/// (absent on legacy BIOS). Readable without elevation. Setup mode is not in the registry.
/// </summary>
public static class WindowsBootCollector
{
    private const string Control = @"SYSTEM\CurrentControlSet\Control";
    private const string State = Control + @"\SecureBoot\State";

    /// <summary>Collects boot evidence.</summary>
    public static BootEvidence Collect(IRegistryReader registry)
    {
        try
        {
            var secureBoot = registry.GetValue(State, "UEFISecureBootEnabled");
            var firmware = registry.GetValue(Control, "PEFirmwareType") switch
            {
                1 => "bios",
                2 => "uefi",
                _ => registry.GetValueNames(State) is null ? "bios" : "uefi",
            };
            return secureBoot switch
            {
                int v => new BootEvidence { Firmware = firmware, SecureBoot = v == 1 },
                _ => new BootEvidence { Firmware = firmware, Error = firmware == "uefi" ? $@"HKLM\{State}\UEFISecureBootEnabled is missing or not a DWORD" : null },
            };
        }
        catch (UnauthorizedAccessException e)
        {
            return new BootEvidence { Firmware = "unknown", Error = e.Message };
        }
    }
}
