namespace WeightGuard.Aggregator.Dashboard;

/// <summary>
/// What a person needs to read a quoted PCR: what the boot chain measures into it and whether anything was measured at
/// all. PCRs 0–7 follow the TCG PC Client Platform Firmware Profile Specification's PCR usage; 8–15 are the operating
/// system's, named as the Linux boot chain uses them (GRUB, the kernel, shim, systemd; the UAPI group's "Linux TPM PCR
/// Registry"), so on another boot chain they may hold other things.
/// </summary>
public static class PcrRegisters
{
    /// <summary>What is measured into PCR <paramref name="index"/>, in words.</summary>
    public static string Measures(int index) => index switch
    {
        0 => "Firmware code (UEFI/BIOS, embedded option ROMs)",
        1 => "Firmware configuration (platform settings, boot variables)",
        2 => "Option ROM code (drivers on add-in cards)",
        3 => "Option ROM configuration and data",
        4 => "Boot loader code (boot manager, each boot attempt)",
        5 => "Boot loader configuration and the GPT partition table",
        6 => "Platform manufacturer specific (e.g. resume from hibernation)",
        7 => "Secure Boot policy (SecureBoot, PK, KEK, db, dbx and the keys that verified each component)",
        8 => "Boot loader commands and kernel command line (GRUB)",
        9 => "Files the boot loader read: kernel, initrd (GRUB, the kernel)",
        10 => "Files measured by the kernel's integrity measurement architecture (IMA)",
        11 => "Unified kernel image and boot phases (systemd-stub)",
        12 => "Kernel command line and credentials (systemd-stub)",
        13 => "System extension images (systemd-stub)",
        14 => "Machine owner keys: MokList, MokListX, MokSBState (shim)",
        15 => "System identity: machine id, root file system (systemd)",
        16 => "Debug",
        >= 17 and <= 22 => "Dynamic root of trust (Intel TXT, AMD SKINIT)",
        23 => "Application support",
        _ => "Not defined by the PC Client specification",
    };

    /// <summary>
    /// True when the value is all zeros: the PCR's reset value, so nothing was extended into it since the TPM started. Two
    /// all-zero values agreeing proves nothing about the boot chain.
    /// </summary>
    public static bool Unmeasured(string? hex) => hex is { Length: > 0 } && hex.All(c => c == '0');
}
