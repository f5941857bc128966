namespace WeightGuard.Core.Evidence;

/// <summary>
/// How the host treats removable media and direct-memory-access ports: whether USB storage can attach, whether
/// usbguard enforces a device policy, the Thunderbolt security level of each domain, and whether FireWire is loaded.
/// </summary>
public sealed record PortEvidence
{
    /// <summary>The modprobe directive that keeps usb-storage from loading (<c>file:line</c>), or null when none does.</summary>
    public string? UsbStorageBlockedBy { get; init; }
    /// <summary>The usb-storage module is loaded now.</summary>
    public bool UsbStorageLoaded { get; init; }
    /// <summary>usbguard is enabled at boot and its implicit policy blocks devices no rule allows.</summary>
    public bool UsbGuardEnforcing { get; init; }
    /// <summary>Why usbguard does not count as enforcing (not installed, not enabled, implicit policy allow), or null.</summary>
    public string? UsbGuardReason { get; init; }
    /// <summary>Each Thunderbolt domain and its security level (none, user, secure, dponly, usbonly, nopcie).</summary>
    public IReadOnlyList<ThunderboltDomain> Thunderbolt { get; init; } = [];
    /// <summary>FireWire host-controller modules loaded now (firewire_ohci, ohci1394): each can reach memory by DMA.</summary>
    public IReadOnlyList<string> FireWireLoaded { get; init; } = [];
}

/// <summary>A Thunderbolt domain and its security level, from <c>/sys/bus/thunderbolt/devices/domainN/security</c>.</summary>
/// <param name="Name">The domain, e.g. <c>domain0</c>.</param>
/// <param name="Security">The level as the kernel names it.</param>
public sealed record ThunderboltDomain(string Name, string Security);
