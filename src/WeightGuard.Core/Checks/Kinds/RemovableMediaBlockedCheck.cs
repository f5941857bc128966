using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>
/// Removable media cannot carry weights off the host and no port can read its memory by DMA: USB storage is kept from
/// loading (modprobe blacklist or a no-op install) and is not loaded, or usbguard enforces a device policy; every
/// Thunderbolt domain requires approval (its security level is one of the accepted ones); no FireWire controller is loaded.
/// </summary>
public sealed class RemovableMediaBlockedCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "removable-media-and-dma-blocked";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } =
    [
        new("thunderbolt-levels", ParamType.StringList, ParamValue.Of(["user", "secure", "dponly", "usbonly", "nopcie"]),
            "Thunderbolt security levels accepted (none lets any device reach memory by DMA)."),
    ];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Ports, "ports", out var ports) is { } missing) return missing;
        var problems = new List<string>();
        var pointers = new List<string>();
        var usbBlocked = (ports.UsbStorageBlockedBy is not null && !ports.UsbStorageLoaded) || ports.UsbGuardEnforcing;
        if (!usbBlocked)
        {
            problems.Add(ports.UsbStorageLoaded
                ? "usb-storage is loaded and usbguard does not enforce a policy"
                : $"nothing keeps usb-storage from loading (no modprobe blacklist) and usbguard does not enforce a policy ({ports.UsbGuardReason})");
            pointers.Add(EvidencePointer.To("ports", "usbStorageBlockedBy"));
        }
        var accepted = context.List("thunderbolt-levels");
        for (var i = 0; i < ports.Thunderbolt.Count; i++)
            if (!accepted.Contains(ports.Thunderbolt[i].Security))
            {
                problems.Add($"Thunderbolt {ports.Thunderbolt[i].Name} security is '{ports.Thunderbolt[i].Security}' (accepted: {string.Join(", ", accepted)})");
                pointers.Add(EvidencePointer.To("ports", "thunderbolt", i));
            }
        if (ports.FireWireLoaded.Count > 0)
        {
            problems.Add($"FireWire controller module loaded: {string.Join(", ", ports.FireWireLoaded)}");
            pointers.Add(EvidencePointer.To("ports", "fireWireLoaded"));
        }
        return problems.Count == 0
            ? CheckOutcome.Pass($"USB storage blocked ({(ports.UsbGuardEnforcing ? "usbguard enforcing" : "by " + ports.UsbStorageBlockedBy)}); {ports.Thunderbolt.Count} Thunderbolt domain(s) need approval; no FireWire", EvidencePointer.To("ports"))
            : CheckOutcome.Fail(string.Join("; ", problems), pointers);
    }
}
