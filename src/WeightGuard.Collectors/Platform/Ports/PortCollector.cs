using WeightGuard.Core.Inputs;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Platform.Ports;

/// <summary>
/// Reads how removable media and DMA-capable ports are held back: modprobe.d for usb-storage, usbguard's daemon
/// configuration and boot enablement, Thunderbolt domains' security levels and loaded FireWire modules (sysfs).
/// </summary>
public sealed class PortCollector(HostRoot root)
{
    private static readonly string[] FireWireModules = ["firewire_ohci", "ohci1394"];

    /// <summary>Collects the port evidence.</summary>
    public PortEvidence Collect()
    {
        var (usbGuard, reason) = UsbGuard();
        return new PortEvidence
        {
            UsbStorageBlockedBy = ModprobeDirectives.BlockedBy(root, "usb-storage"),
            UsbStorageLoaded = Directory.Exists(root.Resolve("/sys/module/usb_storage")),
            UsbGuardEnforcing = usbGuard,
            UsbGuardReason = reason,
            Thunderbolt = HostGlob.Expand(root, "/sys/bus/thunderbolt/devices/domain*", directories: true)
                .Select(d => new ThunderboltDomain(Path.GetFileName(d), (root.ReadText(d + "/security", InputKind.SystemFile) ?? "unknown").Trim()))
                .OrderBy(d => d.Name, StringComparer.Ordinal).ToList(),
            FireWireLoaded = FireWireModules.Where(m => Directory.Exists(root.Resolve("/sys/module/" + m))).ToList(),
        };
    }

    /// <summary>usbguard enforces when it starts at boot and devices no rule names are blocked (its default).</summary>
    private (bool Enforcing, string? Reason) UsbGuard()
    {
        var conf = root.ReadText("/etc/usbguard/usbguard-daemon.conf", InputKind.ConfigFile);
        if (conf is null) return (false, "usbguard is not installed (/etc/usbguard/usbguard-daemon.conf not found)");
        if (!SystemdUnits.IsEnabled(root, "usbguard.service")) return (false, "usbguard.service is not enabled");
        var policy = conf.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith("ImplicitPolicyTarget=", StringComparison.Ordinal));
        var target = policy?["ImplicitPolicyTarget=".Length..].Trim() ?? "block";
        return target is "block" or "reject" ? (true, null) : (false, $"ImplicitPolicyTarget={target} lets devices no rule names attach");
    }
}
