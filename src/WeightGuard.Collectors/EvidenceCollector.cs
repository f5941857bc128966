using WeightGuard.Collectors.Access;
using WeightGuard.Collectors.Boot;
using WeightGuard.Collectors.Disk;
using WeightGuard.Collectors.Gpu;
using WeightGuard.Collectors.Host;
using WeightGuard.Collectors.Keys;
using WeightGuard.Collectors.Platform.AllowListing;
using WeightGuard.Collectors.Platform.Egress;
using WeightGuard.Collectors.Platform.Endpoint;
using WeightGuard.Collectors.Platform.Firmware;
using WeightGuard.Collectors.Platform.Logging;
using WeightGuard.Collectors.Platform.Patches;
using WeightGuard.Collectors.Platform.Ports;
using WeightGuard.Collectors.Platform.Ssh;
using WeightGuard.Collectors.Platform.Sudo;
using WeightGuard.Collectors.Platform;
using WeightGuard.Collectors.Tpm;
using WeightGuard.Collectors.Weights;
using WeightGuard.Collectors.Weights.Hashing;
using WeightGuard.Collectors.Weights.Manifests;
using WeightGuard.Collectors.Windows;
using WeightGuard.Core.Evidence;
using WeightGuard.Tpm.Transport;

namespace WeightGuard.Collectors;

/// <summary>What to collect and from where.</summary>
/// <param name="Root">The host root (<c>/</c> or a tree).</param>
/// <param name="WeightPaths">Host paths holding weights.</param>
/// <param name="Walk">Limits for the weight walk.</param>
/// <param name="Tpm">Which TPM to read; null means none (a tree that is not the running host has no TPM).</param>
/// <param name="Hashing">Whether and how to hash the weight files; null: not hashed.</param>
/// <param name="Integrity">Signed weight manifests to compare the weight files with (they are hashed for it); null: none.</param>
public sealed record CollectionOptions(HostRoot Root, IReadOnlyList<string> WeightPaths, WeightWalkOptions? Walk = null, TpmSelector? Tpm = null,
    WeightHashingOptions? Hashing = null, WeightIntegrityOptions? Integrity = null);

/// <summary>
/// Runs every collector in order (inventory first: access and key collectors work on what it found) and assembles the
/// evidence. A collector that fails leaves its domain empty with the reason, so the controls that need it report
/// <c>error</c> rather than pass.
/// </summary>
public static class EvidenceCollector
{
    /// <summary>The default weight locations when none are configured.</summary>
    public static IReadOnlyList<string> DefaultWeightPaths(HostRoot root)
    {
        var paths = new List<string> { "/models", "/srv/models", "/opt/models", "/var/lib/models", "/root/.cache/huggingface" };
        try
        {
            paths.AddRange(AccountDatabase.Read(root).Accounts.Where(a => a.Uid >= 1000 && a.HasLoginShell)
                .Select(a => $"/home/{a.Name}/.cache/huggingface"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            // without /etc/passwd only the fixed locations are searched (the access collector reports why it is unreadable)
        }
        return paths.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Collects all evidence. <paramref name="progress"/> receives a line of what is happening, for a terminal;
    /// <paramref name="warn"/> receives problems that cost time but leave the evidence right (a discarded digest cache).
    /// </summary>
    public static Evidence Collect(CollectionOptions options, IProgress<string>? progress = null, CancellationToken cancellation = default,
        Action<string>? warn = null)
    {
        var root = options.Root;
        var failures = new List<CollectorFailure>();
        T? Try<T>(string domain, Func<T> collect) where T : class
        {
            try
            {
                return collect();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                failures.Add(new CollectorFailure(domain, e is UnauthorizedAccessException ? "permission denied: " + e.Message : e.Message));
                return null;
            }
        }

        // on the running Windows host, the domains Linux reads from files come from CIM and the registry instead
        var windows = root.IsLive ? WindowsSources.ForThisHost() : null;
        progress?.Report("host identity");
        var host = new HostIdentityCollector(root).Collect();
        var accounts = Try("access", () => AccountDatabase.Read(root));
        progress?.Report("weight inventory");
        var walk = Try("weights", () => new WeightInventoryCollector(root, options.Walk)
            .Collect(options.WeightPaths, new Progress<long>(n => progress?.Report($"weight inventory: {n:N0} entries")), cancellation));
        if (walk is null) failures.Add(new CollectorFailure("keys", "the weight inventory could not be collected"));
        // comparing with manifests needs every digest, so manifests turn hashing on
        var hashing = options.Hashing is { Enabled: true } || options.Integrity is null ? options.Hashing : (options.Hashing ?? new WeightHashingOptions()) with { Enabled = true };
        if (walk is not null && hashing is { Enabled: true })
        {
            progress?.Report("hashing weights");
            walk = walk with { Inventory = WeightHashing.Run(walk, hashing, NvidiaSmiGpuUtilization.ForThisMachine(), progress, warn, cancellation).Inventory };
        }
        var integrity = walk is null || options.Integrity is null ? null : WeightIntegrityCollector.Collect(walk.Inventory, options.Integrity, DateTimeOffset.UtcNow);
        progress?.Report("access control");
        var access = walk is null || accounts is null ? null : Try("access", () => new AccessControlCollector(root, accounts).Collect(walk.WeightTargets));
        if (walk is null && accounts is not null) failures.Add(new CollectorFailure("access", "the weight inventory could not be collected"));
        var keys = walk is null ? null : Try("keys", () => new KeyMaterialCollector(root, accounts ?? AccountDatabase.Parse("", "")).Collect(options.WeightPaths, walk.Keys));
        progress?.Report("storage and disk encryption");
        var resolver = new StorageChainResolver(root);
        var storage = Try("storage", () => BitLockerCollector.ForThisHost() is { } bitLocker && root.IsLive
            ? bitLocker.Collect(options.WeightPaths)
            : resolver.Collect(options.WeightPaths));
        progress?.Report("boot and platform");
        var boot = Try("boot", () => windows is null ? new SecureBootCollector(root).Collect() : WindowsBootCollector.Collect(windows.Registry));
        var platform = Try("platform", () => windows is null ? new KernelHardeningCollector(root).Collect() : DeviceGuardCollector.Collect(windows.Cim, windows.Registry));
        progress?.Report("tpm and measured boot");
        var tpm = Try("tpm", () => new TpmCollector(root, options.Tpm ?? new TpmSelector(TpmSelectorKind.None)).Collect());
        if (windows is not null) tpm = WindowsTpmCollector.Collect(windows.Cim, tpm);
        var users = accounts ?? AccountDatabase.Parse("", "");
        var processes = ProcessTable.Read(root);
        progress?.Report("GPUs");
        var gpu = Try("gpu", () => new NvidiaGpuCollector(root, NvidiaSmiQueries.For(root), users).Collect());
        progress?.Report("access paths, logging, egress and patches");
        var weightReaders = access?.Files.SelectMany(f => f.Readers).Select(r => r.Account) ?? [];
        var privilege = windows is not null ? Try("privilege", () => LocalGroupCollector.Collect(windows.Cim))
            : accounts is null ? null : Try("privilege", () => new PrivilegeCollector(root, accounts).Collect());
        if (accounts is null && windows is null) failures.Add(new CollectorFailure("privilege", "the account database could not be read"));
        // administrators' keys too, so the MFA control can see whether they are security keys
        var keyAccounts = weightReaders.Concat(privilege?.RootEquivalent.Select(a => a.Account) ?? []);
        var ssh = Try("ssh", () => windows is null ? new SshCollector(root, users).Collect(keyAccounts) : WindowsSshCollector.Collect(windows.ProgramData, windows.SshdExe));
        var pam = windows is null ? Try("pam", () => new PamCollector(root).Collect()) : null;
        var logging = windows is null ? Try("logging", () => new LoggingCollector(root, processes).Collect()) : null;
        if (windows is not null) failures.Add(new CollectorFailure("logging", "the Windows audit policy and the SACLs on weight files are not read"));
        var egress = Try("egress", () => windows is null ? new EgressCollector(root, root.IsLive ? LiveRuleset.Find() : null).Collect() : WindowsFirewallCollector.Collect(windows.Cim));
        var patches = Try("patches", () => windows is null ? new PatchCollector(root, DateTimeOffset.UtcNow).Collect()
            : WindowsUpdateCollector.Collect(windows.Cim, windows.Registry, DateTimeOffset.UtcNow));
        progress?.Report("weight copies outside the weight paths");
        var stray = Try("strayWeights", () => new StrayWeightCollector(root).Collect(options.WeightPaths, cancellation));
        var ports = windows is null ? Try("ports", () => new PortCollector(root).Collect()) : null;
        if (windows is not null) failures.Add(new CollectorFailure("ports", "removable media and DMA ports are not read on Windows"));
        progress?.Report("network storage, allow-listing, firmware and endpoint detection");
        var transit = windows is null && storage is { } resolved ? Try("transit", () => new NetworkStorageCollector(root, resolver).Collect(resolved.Paths)) : null;
        if (windows is not null) failures.Add(new CollectorFailure("transit", "encryption of SMB traffic to weight shares is not read on Windows"));
        else if (storage is null) failures.Add(new CollectorFailure("transit", "the storage chains could not be resolved"));
        var allowListing = Try("allowListing", () => windows is null ? new AllowListCollector(root, processes).Collect() : CodeIntegrityCollector.Collect(windows.Cim));
        var firmware = windows is null ? Try("firmware", () => FirmwareCollector.For(root).Collect()) : null;
        if (windows is not null) failures.Add(new CollectorFailure("firmware", "fwupd does not run on Windows"));
        var endpoint = windows is null ? Try("endpointDetection", () => new EndpointDetectionCollector(root, processes).Collect()) : null;
        if (windows is not null) failures.Add(new CollectorFailure("endpointDetection", "EDR services are not read on Windows"));
        return new Evidence
        {
            Host = host, Weights = walk?.Inventory, Access = access, Keys = keys, Storage = storage, Boot = boot, Platform = platform, Tpm = tpm,
            Gpu = gpu, Ssh = ssh, Privilege = privilege, Logging = logging, Egress = egress, Patches = patches, Ports = ports, StrayWeights = stray, Pam = pam,
            WeightIntegrity = integrity,
            Transit = transit, AllowListing = allowListing, Firmware = firmware, EndpointDetection = endpoint,
            Failures = failures.DistinctBy(f => f.Domain).OrderBy(f => f.Domain, StringComparer.Ordinal).ToList(),
        };
    }
}
