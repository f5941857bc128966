using System.Globalization;
using WeightGuard.Core.Evidence;
using WeightGuard.Core.Inputs;

namespace WeightGuard.Collectors.Platform;

/// <summary>Reads kernel hardening state from procfs and sysfs: lockdown, IOMMU, CPU mitigations, ptrace, core dumps, MAC.</summary>
public sealed class KernelHardeningCollector(HostRoot root)
{
    private static readonly string[] BootSwitches = ["intel_iommu", "amd_iommu", "iommu", "lockdown", "module.sig_enforce", "efi", "mitigations"];
    private readonly List<PathError> _errors = [];

    /// <summary>Collects platform evidence; unreadable items stay null and are listed in <see cref="PlatformEvidence.Errors"/>.</summary>
    public PlatformEvidence Collect()
    {
        var fromSecurityFs = Read("/sys/kernel/security/lockdown", quietWhenMissing: true) is { } l ? SelectedLockdown(l) : null;
        var lockdown = fromSecurityFs ?? LockdownFromKernelConfig();
        var ptrace = Integer("/proc/sys/kernel/yama/ptrace_scope", quietWhenMissing: true);
        var noYama = ptrace is null && Directory.Exists(root.Resolve("/proc/sys/kernel"));
        var groupsDir = root.Resolve("/sys/kernel/iommu_groups");
        int? groups = Directory.Exists(groupsDir) ? Directory.GetDirectories(groupsDir).Length : Directory.Exists(root.Resolve("/sys/kernel")) ? 0 : null;
        var vulnerabilities = CpuVulnerabilities();
        var selinux = Read("/sys/fs/selinux/enforce", quietWhenMissing: true)?.Trim();
        var apparmor = Read("/sys/module/apparmor/parameters/enabled", quietWhenMissing: true)?.Trim();
        return new PlatformEvidence
        {
            Lockdown = lockdown,
            LockdownSource = fromSecurityFs is not null ? "securityfs" : lockdown is not null ? "kernel-config" : null,
            IommuGroups = groups,
            IommuActive = groups is null ? null : groups > 0,
            SecurityBootParameters = (Read("/proc/cmdline") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Where(p => BootSwitches.Contains(p.Split('=')[0])).ToList(),
            CpuVulnerabilities = vulnerabilities ?? [],
            CpuVulnerabilitiesMitigated = vulnerabilities?.All(v => v.Mitigated),
            PtraceScope = noYama ? 0 : ptrace,
            PtraceScopeSource = noYama ? "no-yama" : ptrace is null ? null : "yama",
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

    /// <summary>
    /// Lockdown where securityfs is not mounted: none without the lockdown LSM, else <c>lockdown=</c> on the command line,
    /// else the build's forced mode. Null where the build locks down under Secure Boot and the host booted through UEFI
    /// (that decision is made at boot and not recorded anywhere else), or where no kernel configuration is readable.
    /// </summary>
    private string? LockdownFromKernelConfig()
    {
        var config = KernelConfig();
        if (config is null)
        {
            _errors.Add(new PathError("/sys/kernel/security/lockdown", "not present, and no kernel configuration to tell the lockdown mode"));
            return null;
        }
        bool Set(string option) => config.Contains($"\n{option}=y", StringComparison.Ordinal) || config.StartsWith($"{option}=y", StringComparison.Ordinal);
        if (!Set("CONFIG_SECURITY_LOCKDOWN_LSM")) return "none";
        var requested = (Read("/proc/cmdline") ?? "").Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)
            .LastOrDefault(p => p.StartsWith("lockdown=", StringComparison.Ordinal))?["lockdown=".Length..];
        if (requested is "integrity" or "confidentiality") return requested;
        if (Set("CONFIG_LOCK_DOWN_KERNEL_FORCE_CONFIDENTIALITY")) return "confidentiality";
        if (Set("CONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY")) return "integrity";
        if ((Set("CONFIG_LOCK_DOWN_IN_EFI_SECURE_BOOT") || Set("CONFIG_LOCK_DOWN_IN_SECURE_BOOT")) && Directory.Exists(root.Resolve("/sys/firmware/efi")))
        {
            _errors.Add(new PathError("/sys/kernel/security/lockdown", "not present, and the kernel locks down under Secure Boot: mount securityfs to read the mode"));
            return null;
        }
        return "none";
    }

    /// <summary>The running kernel's build configuration: <c>/proc/config.gz</c>, else <c>/boot/config-RELEASE</c>.</summary>
    private string? KernelConfig()
    {
        try
        {
            if (root.OpenRead("/proc/config.gz") is { } gz)
            {
                using var stream = new System.IO.Compression.GZipStream(gz, System.IO.Compression.CompressionMode.Decompress);
                using var reader = new StreamReader(stream);
                var buffer = new char[4 << 20];
                var n = reader.ReadBlock(buffer, 0, buffer.Length);
                return new string(buffer, 0, n);
            }
            var release = Read("/proc/sys/kernel/osrelease", quietWhenMissing: true)?.Trim();
            return release is null ? null : root.ReadText($"/boot/config-{release}", InputKind.KernelConfig);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            _errors.Add(new PathError("/proc/config.gz", e is UnauthorizedAccessException ? "permission denied" : e.Message));
            return null;
        }
    }

    private int? Integer(string path, bool quietWhenMissing = false) =>
        Read(path, quietWhenMissing) is { } text && int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    private string? Read(string path, bool quietWhenMissing = false)
    {
        try
        {
            var text = root.ReadText(path, InputKind.SystemFile);
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
