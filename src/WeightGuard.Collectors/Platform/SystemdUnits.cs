namespace WeightGuard.Collectors.Platform;

/// <summary>systemd unit state that files show: a unit starts at boot when a target's <c>.wants</c> directory links it.</summary>
public static class SystemdUnits
{
    /// <summary>Whether <paramref name="unit"/> (e.g. <c>fapolicyd.service</c>) is enabled: linked from
    /// <c>/etc/systemd/system/*.wants/</c> (what <c>systemctl enable</c> writes) or a vendor preset's
    /// <c>/usr/lib/systemd/system/*.wants/</c>. A dangling link counts: its target may lie outside a scanned tree.</summary>
    public static bool IsEnabled(HostRoot root, string unit) =>
        HostGlob.Expand(root, $"/etc/systemd/system/*.wants/{unit}").Count > 0 ||
        HostGlob.Expand(root, $"/usr/lib/systemd/system/*.wants/{unit}").Count > 0;
}
