namespace WeightGuard.Core.Inputs;

/// <summary>
/// A kind of file WeightGuard reads, with the most bytes it will read of one. Every file is read through
/// <see cref="BoundedFile"/> with one of these, so no input is read whole without a stated limit. The table is repeated
/// in the README ("What WeightGuard reads, and how much").
/// </summary>
/// <param name="Name">What the file is, for messages ("a catalogue file").</param>
/// <param name="MaxBytes">The most bytes read; a larger file is refused whole.</param>
public sealed record InputKind(string Name, int MaxBytes)
{
    private const int KiB = 1024, MiB = 1024 * KiB;

    /// <summary>A control, profile or catalogue waiver file (the largest shipped control is under 4 KiB).</summary>
    public static InputKind CatalogFile { get; } = new("catalogue file", 1 * MiB);
    /// <summary>A <c>--waivers</c> file.</summary>
    public static InputKind WaiverFile { get; } = new("waiver file", 4 * MiB);
    /// <summary>One configuration file: sudoers, sshd_config, audit rules, rsyslog, ufw, kernel command line and the like.</summary>
    public static InputKind ConfigFile { get; } = new("configuration file", 1 * MiB);
    /// <summary><c>/etc/passwd</c> or <c>/etc/group</c> (a directory-backed host can list tens of thousands of accounts).</summary>
    public static InputKind AccountDatabase { get; } = new("account database", 16 * MiB);
    /// <summary>An <c>authorized_keys</c> file.</summary>
    public static InputKind AuthorizedKeys { get; } = new("authorized_keys file", 4 * MiB);
    /// <summary>A saved firewall ruleset (nftables.conf, iptables <c>rules.v4</c>/<c>rules.v6</c>).</summary>
    public static InputKind FirewallRules { get; } = new("firewall ruleset", 16 * MiB);
    /// <summary>A package index or status file (apt lists, dpkg status).</summary>
    public static InputKind PackageIndex { get; } = new("package index", 64 * MiB);
    /// <summary>A kernel build configuration (<c>/boot/config-*</c>).</summary>
    public static InputKind KernelConfig { get; } = new("kernel configuration", 4 * MiB);
    /// <summary>A recorded command output (nvidia-smi) or its exit-status file.</summary>
    public static InputKind RecordedOutput { get; } = new("recorded command output", 16 * MiB);
    /// <summary>The mount table (<c>/proc/*/mountinfo</c>; a Kubernetes node can have thousands of mounts), swaps, crypttab.</summary>
    public static InputKind MountTable { get; } = new("mount table", 16 * MiB);
    /// <summary>A small kernel or identity file: <c>/proc</c>, <c>/sys</c>, os-release, machine-id, driver version files.</summary>
    public static InputKind SystemFile { get; } = new("system file", 64 * KiB);
    /// <summary>A certificate given on the command line (PEM or DER).</summary>
    public static InputKind Certificate { get; } = new("certificate", 1 * MiB);
    /// <summary>A signed weight manifest (a few hundred bytes per weight file: a model of 100,000 shards is under 32 MiB).</summary>
    public static InputKind WeightManifest { get; } = new("weight manifest", 64 * MiB);

    /// <summary>A GPU attestation report (SPDM request and response; about 4 KiB raw, twice that as hex).</summary>
    public static InputKind GpuReport { get; } = new("GPU attestation report", 128 * KiB);
    /// <summary>A GPU reference integrity manifest (NVIDIA RIM, SWID XML; under 100 KiB).</summary>
    public static InputKind GpuReferenceManifest { get; } = new("GPU reference integrity manifest", 4 * MiB);

    /// <summary>Every kind, for the README's table and its test.</summary>
    public static IReadOnlyList<InputKind> All { get; } =
        [CatalogFile, WaiverFile, ConfigFile, AccountDatabase, AuthorizedKeys, FirewallRules, PackageIndex, KernelConfig, RecordedOutput, MountTable, SystemFile, Certificate,
        WeightManifest, GpuReport, GpuReferenceManifest];

    /// <summary>The limit as people write it: <c>64 KiB</c>, <c>16 MiB</c>.</summary>
    public string Limit => MaxBytes % MiB == 0 ? $"{MaxBytes / MiB} MiB" : $"{MaxBytes / KiB} KiB";
}
