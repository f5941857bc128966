namespace WeightGuard.Core.Evidence;

/// <summary>Kernel hardening facts read from /proc and /sys (on Windows from Win32_DeviceGuard and the registry). A null property was not readable; see <see cref="Errors"/>.</summary>
public sealed record PlatformEvidence
{
    /// <summary>Kernel lockdown mode: <c>none</c>, <c>integrity</c> or <c>confidentiality</c>.</summary>
    public string? Lockdown { get; init; }
    /// <summary>Where <see cref="Lockdown"/> was read: <c>securityfs</c>, or <c>kernel-config</c> (the build's default and the command line) where securityfs is not mounted; <c>hvci</c> on Windows, where hypervisor-protected code integrity stands for integrity lockdown.</summary>
    public string? LockdownSource { get; init; }
    /// <summary>An IOMMU is active (IOMMU groups exist).</summary>
    public bool? IommuActive { get; init; }
    /// <summary>Number of IOMMU groups.</summary>
    public int? IommuGroups { get; init; }
    /// <summary>Kernel command-line switches that concern IOMMU, lockdown and module signing (nothing else is kept).</summary>
    public IReadOnlyList<string> SecurityBootParameters { get; init; } = [];
    /// <summary>CPU vulnerabilities the kernel reports, with its status line.</summary>
    public IReadOnlyList<CpuVulnerability> CpuVulnerabilities { get; init; } = [];
    /// <summary>Every reported CPU vulnerability is mitigated or not affected.</summary>
    public bool? CpuVulnerabilitiesMitigated { get; init; }
    /// <summary><c>kernel.yama.ptrace_scope</c> (0 = any process of the same user may read another's memory; also 0 when Yama is not built in).</summary>
    public int? PtraceScope { get; init; }
    /// <summary><c>yama</c>, or <c>no-yama</c>: the kernel has no Yama, so only the classic ptrace checks apply (the same as scope 0).</summary>
    public string? PtraceScopeSource { get; init; }
    /// <summary><c>fs.suid_dumpable</c>.</summary>
    public int? SuidDumpable { get; init; }
    /// <summary>Core dumps go to a pipe or a file (<c>kernel.core_pattern</c> starts with <c>|</c> for a pipe).</summary>
    public string? CorePattern { get; init; }
    /// <summary>Mandatory access control: <c>selinux-enforcing</c>, <c>selinux-permissive</c>, <c>apparmor</c> or <c>none</c>.</summary>
    public string? MandatoryAccessControl { get; init; }
    /// <summary>Windows: virtualization-based security is <c>off</c>, <c>configured</c> (enabled, not running) or <c>running</c>.</summary>
    public string? VirtualizationBasedSecurity { get; init; }
    /// <summary>Windows: Credential Guard runs (credentials isolated from the kernel in VBS).</summary>
    public bool? CredentialGuard { get; init; }
    /// <summary>Windows: hypervisor-protected code integrity (memory integrity) runs.</summary>
    public bool? HypervisorCodeIntegrity { get; init; }
    /// <summary>Windows: LSA runs as a protected process (<c>RunAsPPL</c>), so even administrators cannot read its memory.</summary>
    public bool? LsaProtection { get; init; }
    /// <summary>What could not be read.</summary>
    public IReadOnlyList<PathError> Errors { get; init; } = [];
}

/// <summary>One entry of <c>/sys/devices/system/cpu/vulnerabilities</c>.</summary>
/// <param name="Name">e.g. <c>spectre_v2</c>.</param>
/// <param name="Status">The kernel's line, e.g. <c>Mitigation: Retpolines</c>.</param>
/// <param name="Mitigated">Status is <c>Not affected</c> or starts with <c>Mitigation</c>.</param>
public sealed record CpuVulnerability(string Name, string Status, bool Mitigated);
