using System.Globalization;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Platform;

/// <summary>Reads kernel hardening state from procfs and sysfs: lockdown, IOMMU, CPU mitigations, ptrace, core dumps, MAC.</summary>
public sealed class KernelHardeningCollector(HostRoot root)
{
    private static readonly string[] BootSwitches = ["intel_iommu", "amd_iommu", "iommu", "lockdown", "module.sig_enforce", "efi", "mitigations"];
    private readonly List<PathError> _errors = [];

    /// <summary>Collects platform evidence; unreadable items stay null and are listed in <see cref="PlatformEvidence.Errors"/>.</summary>
    public PlatformEvidence Collect()
    {
        var lockdown = Read("/sys/kernel/security/lockdown") is { } l ? SelectedLockdown(l) : null;
        var groupsDir = root.Resolve("/sys/kernel/iommu_groups");
        int? groups = Directory.Exists(groupsDir) ? Directory.GetDirectories(groupsDir).Length : Directory.Exists(root.Resolve("/sys/kernel")) ? 0 : null;
        var vulnerabilities = CpuVulnerabilities();
        var selinux = Read("/sys/fs/selinux/enforce", quietWhenMissing: true)?.Trim();
        var apparmor = Read("/sys/module/apparmor/parameters/enabled", quietWhenMissing: true)?.Trim();
        return new PlatformEvidence
        {
            Lockdown = lockdown,
            IommuGroups = groups,
            IommuActive = groups is null ? null : groups > 0,
            SecurityBootParameters = (Read("/proc/cmdline") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Where(p => BootSwitches.Contains(p.Split('=')[0])).ToList(),
            CpuVulnerabilities = vulnerabilities ?? [],
            CpuVulnerabilitiesMitigated = vulnerabilities?.All(v => v.Mitigated),
            PtraceScope = Integer("/proc/sys/kernel/yama/ptrace_scope"),
            SuidDumpable = Integer("/proc/sys/fs/suid_dumpable"),
            CorePattern = Read("/proc/sys/kernel/core_pattern")?.Trim(),
            MandatoryAccessControl = selinux switch
            {
                "1" => "selinux-enforcing",
                "0" => "selinux-permissive",
                _ => apparmor == "Y" ? "apparmor" : Directory.Exists(root.Resolve("/sys/kernel/security")) ? "none" : null,
            },
            Errors = _errors,
        };
    }

    /// <summary>The lockdown file lists every mode with the active one in brackets: <c>none [integrity] confidentiality</c>.</summary>
    public static string? SelectedLockdown(string text)
    {
        var open = text.IndexOf('[');
        var close = text.IndexOf(']');
        return open >= 0 && close > open ? text[(open + 1)..close] : null;
    }

    private List<CpuVulnerability>? CpuVulnerabilities()
    {
        var dir = root.Resolve("/sys/devices/system/cpu/vulnerabilities");
        if (!Directory.Exists(dir)) return null;
        return Directory.GetFiles(dir).Order(StringComparer.Ordinal)
            .Select(f => (Name: Path.GetFileName(f), Status: Read("/sys/devices/system/cpu/vulnerabilities/" + Path.GetFileName(f))?.Trim()))
            .Where(v => v.Status is not null)
            .Select(v => new CpuVulnerability(v.Name, v.Status!, v.Status!.StartsWith("Not affected", StringComparison.Ordinal) || v.Status.StartsWith("Mitigation", StringComparison.Ordinal)))
            .ToList();
    }

    private int? Integer(string path) =>
        Read(path) is { } text && int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    private string? Read(string path, bool quietWhenMissing = false)
    {
        try
        {
            var text = root.ReadText(path, 64 * 1024);
            if (text is null && !quietWhenMissing) _errors.Add(new PathError(path, "not present"));
            return text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            _errors.Add(new PathError(path, e is UnauthorizedAccessException ? "permission denied" : e.Message));
            return null;
        }
    }
}
