namespace WeightGuard.Core.Evidence;

/// <summary>
/// Everything the collectors observed on one host: typed facts per domain. A domain left null was not collected; the
/// reason is in <see cref="Failures"/>. Evidence never holds key bytes, passphrases or weight contents.
/// </summary>
public sealed record Evidence
{
    /// <summary>Who the host is.</summary>
    public required HostIdentity Host { get; init; }
    /// <summary>Weight files found under the weight paths.</summary>
    public WeightInventory? Weights { get; init; }
    /// <summary>Who can read each weight file, and why.</summary>
    public AccessEvidence? Access { get; init; }
    /// <summary>Key material stored with or beside the weights.</summary>
    public KeyEvidence? Keys { get; init; }
    /// <summary>The storage stack and encryption verdict under each weight path, crypttab and swap.</summary>
    public StorageEvidence? Storage { get; init; }
    /// <summary>Firmware and Secure Boot state.</summary>
    public BootEvidence? Boot { get; init; }
    /// <summary>Kernel hardening facts.</summary>
    public PlatformEvidence? Platform { get; init; }
    /// <summary>The TPM and the measured boot its event log records.</summary>
    public TpmEvidence? Tpm { get; init; }
    /// <summary>NVIDIA GPUs: driver, confidential computing, ECC, device nodes, profiling, processes.</summary>
    public GpuEvidence? Gpu { get; init; }
    /// <summary>The effective sshd configuration and the SSH keys of accounts that can read weights.</summary>
    public SshEvidence? Ssh { get; init; }
    /// <summary>Who can become root: sudoers rules and root-equivalent groups.</summary>
    public PrivilegeEvidence? Privilege { get; init; }
    /// <summary>Audit rules over the weights and log forwarding off the host.</summary>
    public LoggingEvidence? Logging { get; init; }
    /// <summary>Outbound firewall policy.</summary>
    public EgressEvidence? Egress { get; init; }
    /// <summary>Pending security updates from the package manager's metadata.</summary>
    public PatchEvidence? Patches { get; init; }
    /// <summary>Removable media and DMA-capable ports (USB storage, usbguard, Thunderbolt, FireWire).</summary>
    public PortEvidence? Ports { get; init; }
    /// <summary>Weight files outside the approved weight paths, where copies end up.</summary>
    public StrayWeightEvidence? StrayWeights { get; init; }
    /// <summary>PAM authentication stacks of the services administrators sign in through.</summary>
    public PamEvidence? Pam { get; init; }
    /// <summary>The weight files compared with the signed weight manifests the host trusts; null when no manifest is configured.</summary>
    public WeightIntegrityEvidence? WeightIntegrity { get; init; }
    /// <summary>How weights on network storage are protected on the wire (NFS, SMB, iSCSI).</summary>
    public TransitEvidence? Transit { get; init; }
    /// <summary>Application allow-listing: fapolicyd, IMA appraisal, WDAC.</summary>
    public AllowListEvidence? AllowListing { get; init; }
    /// <summary>Firmware security as fwupd reports it (HSI attributes, firmware with known issues).</summary>
    public FirmwareEvidence? Firmware { get; init; }
    /// <summary>Endpoint detection and response agents installed and running.</summary>
    public EndpointDetectionEvidence? EndpointDetection { get; init; }
    /// <summary>Domains whose collector failed or does not exist on this platform, with the reason.</summary>
    public IReadOnlyList<CollectorFailure> Failures { get; init; } = [];
}

/// <summary>A domain that could not be collected.</summary>
/// <param name="Domain">The evidence domain (the property name in camelCase, e.g. <c>access</c>).</param>
/// <param name="Reason">Why, in words a person can act on.</param>
public sealed record CollectorFailure(string Domain, string Reason);

/// <summary>A path that could not be read, and why.</summary>
/// <param name="Path">The host path.</param>
/// <param name="Reason">The reason (permission denied, not found, symlink loop…).</param>
public sealed record PathError(string Path, string Reason);

/// <summary>The host's identity.</summary>
public sealed record HostIdentity
{
    /// <summary>Host name.</summary>
    public required string Hostname { get; init; }
    /// <summary><c>/etc/machine-id</c> (or the Windows machine GUID), when readable.</summary>
    public string? MachineId { get; init; }
    /// <summary>Operating system, e.g. <c>Debian GNU/Linux 12 (bookworm)</c>.</summary>
    public required string Os { get; init; }
    /// <summary>os-release <c>ID</c>, e.g. <c>debian</c>.</summary>
    public string? OsId { get; init; }
    /// <summary>os-release <c>VERSION_ID</c>.</summary>
    public string? OsVersion { get; init; }
    /// <summary>Kernel release.</summary>
    public required string Kernel { get; init; }
    /// <summary>CPU architecture, e.g. <c>x64</c>.</summary>
    public required string Arch { get; init; }
    /// <summary><c>linux</c> or <c>windows</c>: matched against each control's platforms.</summary>
    public required string Platform { get; init; }
}
