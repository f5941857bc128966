using WeightGuard.Core.Evidence;
using WeightGuard.Core.Inputs;

namespace WeightGuard.Collectors.Boot;

/// <summary>Reads the Secure Boot and setup-mode EFI variables from efivarfs.</summary>
public sealed class SecureBootCollector(HostRoot root)
{
    private const string GlobalVariableGuid = "8be4df61-93ca-11d2-aa0d-00e098032b8c";

    /// <summary>Collects boot evidence. No <c>/sys/firmware/efi</c> means a legacy BIOS boot.</summary>
    public BootEvidence Collect()
    {
        if (!Directory.Exists(root.Resolve("/sys/firmware/efi"))) return new BootEvidence { Firmware = "bios" };
        try
        {
            return new BootEvidence { Firmware = "uefi", SecureBoot = Flag("SecureBoot"), SetupMode = Flag("SetupMode") };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return new BootEvidence { Firmware = "uefi", Error = e is UnauthorizedAccessException ? "permission denied reading efivars" : e.Message };
        }
    }

    /// <summary>An efivarfs file is 4 bytes of attributes then the value; these variables hold one byte, 1 = on.</summary>
    private bool? Flag(string name)
    {
        if (root.ReadBytes($"/sys/firmware/efi/efivars/{name}-{GlobalVariableGuid}", InputKind.SystemFile) is not { } bytes) return null;
        if (bytes.Length != 5) throw new InvalidDataException($"efivar {name}: {bytes.Length} bytes, expected 5");
        return bytes[4] == 1;
    }
}
