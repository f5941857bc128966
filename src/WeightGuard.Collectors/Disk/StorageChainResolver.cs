using System.Globalization;
using WeightGuard.Core.Evidence;
using WeightGuard.Core.Inputs;

namespace WeightGuard.Collectors.Disk;

/// <summary>
/// Names the storage stack under a path on a Linux host and proves or disproves encryption at rest:
/// <c>/proc/self/mountinfo</c> → the longest mount point prefix → its block device (<c>/sys/dev/block/MAJ:MIN</c>, or the
/// mount source for btrfs) → device-mapper, LVM, md RAID, loop, partitions, disks; ZFS native encryption, fscrypt
/// (live host), eCryptfs, encrypting FUSE file systems, tmpfs/ramfs (memory only), overlay (its upper and lower
/// directories), and network or FUSE file systems, whose encryption at rest cannot be proven from this host.
/// Also reads <c>/etc/crypttab</c> (with the chain under each key file) and <c>/proc/swaps</c>.
/// Everything is read through the <see cref="HostRoot"/>.
/// </summary>
public sealed class StorageChainResolver
{
    /// <summary>File systems whose data lives on another machine.</summary>
    public static IReadOnlySet<string> NetworkFileSystems { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "ceph", "glusterfs", "lustre", "afs", "ncpfs", "virtiofs", "davfs", "gfs2", "ocfs2",
    };

    /// <summary>FUSE file systems that encrypt each file before it reaches the backing directory.</summary>
    public static IReadOnlySet<string> EncryptingFuseFileSystems { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "fuse.gocryptfs", "fuse.encfs", "fuse.cryfs", "fuse.securefs",
    };

    /// <summary>Memory-backed file systems: tmpfs can be swapped out, ramfs never is.</summary>
    public static IReadOnlySet<string> MemoryFileSystems { get; } = new HashSet<string>(StringComparer.Ordinal) { "tmpfs", "ramfs" };

    private const int MaxPathDepth = 8;

    private readonly HostRoot _root;
    private readonly IZfsPropertySource? _zfs;
    private readonly List<string> _problems = [];
    private IReadOnlyList<MountInfoEntry>? _mounts;
    private IReadOnlyList<CrypttabEntry>? _crypttab;
    private IReadOnlyList<SwapArea>? _swap;

    /// <summary>Creates a resolver reading the host at <paramref name="root"/>. <paramref name="zfs"/> reads ZFS dataset
    /// properties; by default the <c>zfs</c> tool on a live host, and none under another root.</summary>
    public StorageChainResolver(HostRoot root, IZfsPropertySource? zfs = null)
    {
        _root = root;
        _zfs = zfs ?? (root.IsLive ? new ZfsCommand() : null);
    }

    /// <summary>The storage evidence for <paramref name="weightPaths"/>, with crypttab entries and swap areas.</summary>
    public StorageEvidence Collect(IEnumerable<string> weightPaths)
    {
        var paths = weightPaths.Select(p => Resolve(p)).ToList();
        return new StorageEvidence(paths, CrypttabEntries(), SwapAreas(), [], _problems.Distinct().ToList());
    }

    /// <summary>The storage chain and encryption verdict for one absolute host path.</summary>
    public StoragePathEvidence Resolve(string path) => Resolve(path, 0);

    private StoragePathEvidence Resolve(string path, int depth)
    {
        var real = HostPaths.RealPath(_root, path);
        var mount = MountOfReal(real);
        if (mount is null)
            return new StoragePathEvidence(path, real, [], new EncryptionVerdict(EncryptionState.Unknown, true,
                "no mount found for this path (/proc/self/mountinfo missing or unreadable)"), []);
        if (depth > MaxPathDepth)
            return new StoragePathEvidence(path, real, [], new EncryptionVerdict(EncryptionState.Unknown, true,
                "storage stack nests too deeply (loop or overlay cycle?)"), []);

        var walker = new BlockStackWalker(_root, Resolve, name => CrypttabEntries().FirstOrDefault(e => e.Name == name), depth);
        var (below, verdict) = FileSystem(mount, real, walker, depth);
        var mountLayer = new StorageLayer("mount", mount.MountPoint, mount.Source, BlockStackWalker.Details(
            ("fsType", mount.FsType), ("majMin", $"{mount.Major}:{mount.Minor}"), ("options", mount.Options), ("root", mount.Root)), below);
        return new StoragePathEvidence(path, real, [mountLayer, .. walker.Chain], verdict, walker.Volumes.ToList());
    }

    /// <summary>The mount an absolute host path lies under (the longest mount-point prefix of its real path), or null.</summary>
    public MountInfoEntry? MountOf(string path) => MountOfReal(HostPaths.RealPath(_root, path));

    private MountInfoEntry? MountOfReal(string real) =>
        Mounts().Where(m => HostPaths.IsUnder(real, m.MountPoint)).MaxBy(m => m.MountPoint == "/" ? 0 : m.MountPoint.Length + 1);

    /// <summary>Classifies the mounted file system; returns the names of the layers under the mount and the verdict.</summary>
    private (IReadOnlyList<string> Below, EncryptionVerdict Verdict) FileSystem(MountInfoEntry mount, string real, BlockStackWalker walker, int depth)
    {
        var fs = mount.FsType;
        if (MemoryFileSystems.Contains(fs)) return Memory(mount, walker);
        if (NetworkFileSystems.Contains(fs) || (fs.StartsWith("fuse", StringComparison.Ordinal) && fs != "fuseblk"))
            return Remote(mount, walker);
        if (fs == "zfs") return Zfs(mount, walker);
        if (fs == "ecryptfs") return Stacked(mount, walker, depth, "ecryptfs", [mount.Source], lowerEncrypts: true);
        if (fs == "overlay")
        {
            var dirs = OverlayDirs(mount.SuperOptions);
            return dirs.Count == 0
                ? Opaque(walker, "overlay", mount.Source, "overlay without upperdir/lowerdir options")
                : Stacked(mount, walker, depth, "overlay", dirs, lowerEncrypts: false);
        }

        var name = mount.Major != 0 ? walker.NameOf(mount.Major, mount.Minor) : null;
        // btrfs (and other multi-device file systems) report major 0: the mount source names the device.
        name ??= walker.NameOfDeviceNode(mount.Source);
        if (name is null)
            return Opaque(walker, "virtual", fs, mount.Major == 0
                ? $"{fs} at {mount.MountPoint} is not backed by a block device this host shows"
                : $"block device {mount.Major}:{mount.Minor} not found in /sys/dev/block");
        walker.Walk(name);
        var verdict = walker.Verdict(name);
        return ([name], FscryptOverride(real, fs, walker) ?? verdict);
    }

    private (IReadOnlyList<string>, EncryptionVerdict) Memory(MountInfoEntry mount, BlockStackWalker walker)
    {
        walker.Chain.Add(new StorageLayer("tmpfs", mount.FsType, mount.Source, BlockStackWalker.Details(("fsType", mount.FsType)), []));
        if (mount.FsType == "ramfs")
            return ([mount.FsType], new EncryptionVerdict(EncryptionState.Encrypted, false, "ramfs: memory only, never swapped to disk"));
        var swap = SwapAreas();
        var plain = swap.FirstOrDefault(s => s.Verdict.Encrypted == EncryptionState.Unencrypted);
        var unknown = swap.FirstOrDefault(s => s.Verdict.Encrypted == EncryptionState.Unknown);
        var verdict = plain is not null
            ? new EncryptionVerdict(EncryptionState.Unencrypted, false, $"tmpfs: memory only, but pages can be swapped to unencrypted {plain.Path}")
            : unknown is not null
                ? new EncryptionVerdict(EncryptionState.Unknown, false, $"tmpfs: memory only; swap {unknown.Path}: {unknown.Verdict.Reason}")
                : new EncryptionVerdict(EncryptionState.Encrypted, false, swap.Count == 0
                    ? "tmpfs: memory only and no swap is active"
                    : "tmpfs: memory only and every swap area is encrypted");
        return ([mount.FsType], verdict);
    }

    private (IReadOnlyList<string>, EncryptionVerdict) Remote(MountInfoEntry mount, BlockStackWalker walker)
    {
        var fs = mount.FsType;
        var kind = NetworkFileSystems.Contains(fs) ? "network" : "fuse";
        walker.Chain.Add(new StorageLayer(kind, mount.Source, mount.Source, BlockStackWalker.Details(("fsType", fs)), []));
        if (EncryptingFuseFileSystems.Contains(fs))
        {
            walker.Volumes.Add(new EncryptedVolume(mount.Source, fs["fuse.".Length..], null, null, null, null, null, [], []));
            return ([mount.Source], new EncryptionVerdict(EncryptionState.Encrypted, true, $"{fs} encrypts every file before it reaches its backing directory"));
        }
        return ([mount.Source], new EncryptionVerdict(EncryptionState.Unknown, true, $"{fs} ({mount.Source}): encryption at rest not provable from this host"));
    }

    private (IReadOnlyList<string>, EncryptionVerdict) Zfs(MountInfoEntry mount, BlockStackWalker walker)
    {
        var dataset = mount.Source;
        var props = _zfs?.Get(dataset);
        walker.Chain.Add(new StorageLayer("zfs", dataset, null, new SortedDictionary<string, string>(
            (props ?? new Dictionary<string, string>()).ToDictionary(), StringComparer.Ordinal), []));
        if (props is null || !props.TryGetValue("encryption", out var encryption))
            return ([dataset], new EncryptionVerdict(EncryptionState.Unknown, true, $"zfs dataset {dataset}: properties not readable (zfs tool missing or not a live host)"));
        if (encryption == "off")
            return ([dataset], new EncryptionVerdict(EncryptionState.Unencrypted, true, $"zfs dataset {dataset} has encryption=off"));
        var bits = encryption.Split('-') is [_, var b, ..] && int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (int?)null;
        var unlock = new UnlockMethod("zfs-" + props.GetValueOrDefault("keyformat", "unknown"), [],
            BlockStackWalker.Details(("keylocation", props.GetValueOrDefault("keylocation")), ("encryptionroot", props.GetValueOrDefault("encryptionroot"))));
        walker.Volumes.Add(new EncryptedVolume(dataset, "zfs", null, encryption, bits, null, null, [unlock], []));
        return ([dataset], new EncryptionVerdict(EncryptionState.Encrypted, true, $"zfs dataset {dataset} is encrypted with {encryption}"));
    }

    /// <summary>eCryptfs and overlay: a file system over directories; their chains are resolved and appended.</summary>
    private (IReadOnlyList<string>, EncryptionVerdict) Stacked(MountInfoEntry mount, BlockStackWalker walker, int depth, string kind,
        IReadOnlyList<string> dirs, bool lowerEncrypts)
    {
        var lower = dirs.Select(d => Resolve(d, depth + 1)).ToList();
        var below = lower.Where(l => l.Chain.Count > 0).Select(l => l.Chain[0].Name).Distinct().ToList();
        var details = kind == "ecryptfs"
            ? BlockStackWalker.Details(("cipher", Option(mount.SuperOptions, "ecryptfs_cipher")), ("keyBytes", Option(mount.SuperOptions, "ecryptfs_key_bytes")))
            : BlockStackWalker.Details(("dirs", string.Join(' ', dirs)));
        walker.Chain.Add(new StorageLayer(kind, mount.Source, null, details, below));
        foreach (var layer in lower.SelectMany(l => l.Chain).Where(l => !walker.Chain.Any(c => c.Kind == l.Kind && c.Name == l.Name)))
            walker.Chain.Add(layer);
        walker.Volumes.AddRange(lower.SelectMany(l => l.Volumes));
        if (lowerEncrypts)
        {
            var keyBytes = int.TryParse(Option(mount.SuperOptions, "ecryptfs_key_bytes"), NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb * 8 : (int?)null;
            walker.Volumes.Add(new EncryptedVolume(mount.Source, "ecryptfs", null, Option(mount.SuperOptions, "ecryptfs_cipher"), keyBytes, null, null, [], []));
            return ([mount.Source], new EncryptionVerdict(EncryptionState.Encrypted, true, $"eCryptfs encrypts every file stored in {mount.Source}"));
        }
        var worst = lower.Select(l => l.Verdict).OrderBy(v => v.Encrypted switch
        {
            EncryptionState.Unencrypted => 0,
            EncryptionState.Unknown => 1,
            _ => 2,
        }).First();
        return ([mount.Source], worst with { Reason = $"{kind} over {string.Join(", ", dirs)}: {worst.Reason}" });
    }

    private static (IReadOnlyList<string>, EncryptionVerdict) Opaque(BlockStackWalker walker, string kind, string name, string reason)
    {
        walker.Chain.Add(new StorageLayer(kind, name, null, new SortedDictionary<string, string>(StringComparer.Ordinal), []));
        return ([name], new EncryptionVerdict(EncryptionState.Unknown, true, reason));
    }

    /// <summary>On a live host, an fscrypt policy on the path encrypts its contents whatever lies beneath.</summary>
    private EncryptionVerdict? FscryptOverride(string real, string fs, BlockStackWalker walker)
    {
        if (!_root.IsLive || fs is not ("ext4" or "f2fs" or "ubifs" or "ceph")) return null;
        var probe = real;
        while (!Path.Exists(probe) && probe != "/") probe = HostPaths.Parent(probe);
        var (result, policy) = FscryptProbe.Probe(probe);
        if (result != FscryptProbeResult.Encrypted || policy is null) return null;
        var details = BlockStackWalker.Details(("version", policy.Version.ToString(CultureInfo.InvariantCulture)),
            ("contents", policy.ContentsMode), ("filenames", policy.FilenamesMode));
        walker.Chain.Insert(0, new StorageLayer("fscrypt", probe, null, details, []));
        walker.Volumes.Add(new EncryptedVolume(probe, "fscrypt", null, policy.ContentsMode, policy.ContentsKeyBits, null, null, [], []));
        return new EncryptionVerdict(EncryptionState.Encrypted, true, $"fscrypt v{policy.Version} policy ({policy.ContentsMode}) on {probe}");
    }

    private static IReadOnlyList<string> OverlayDirs(string superOptions)
    {
        var dirs = new List<string>();
        foreach (var option in superOptions.Split(','))
        {
            if (option.StartsWith("upperdir=", StringComparison.Ordinal)) dirs.Add(option["upperdir=".Length..]);
            else if (option.StartsWith("lowerdir=", StringComparison.Ordinal))
                dirs.AddRange(option["lowerdir=".Length..].Split(':', StringSplitOptions.RemoveEmptyEntries));
        }
        return dirs.Where(d => d.StartsWith('/')).ToList();
    }

    private static string? Option(string options, string name) =>
        options.Split(',').FirstOrDefault(o => o.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];

    /// <summary>
    /// The host's mounts. Scanning a mounted host (a container with the node's / at --root), "self" is this process in
    /// its own mount namespace, so the host's view is PID 1's; a recorded tree has only "self".
    /// </summary>
    private IReadOnlyList<MountInfoEntry> Mounts() => _mounts ??= MountInfo.Parse(
        (_root.IsLive ? null : ReadHostFile("/proc/1/mountinfo")) ?? ReadHostFile("/proc/self/mountinfo") ?? "", _problems);

    /// <summary>The crypttab entries, each with the storage chain under its key file.</summary>
    private IReadOnlyList<CrypttabEntry> CrypttabEntries()
    {
        if (_crypttab is not null) return _crypttab;
        var parsed = Crypttab.Parse(ReadHostFile("/etc/crypttab") ?? "", _problems);
        // Key-file chains are resolved with the raw entries in place, so a key file on a dm-crypt volume finds its line.
        _crypttab = parsed;
        _crypttab = parsed.Select(e => Crypttab.KeyFilePath(e) is { } keyFile ? e with { KeyFileStorage = Resolve(keyFile, 1) } : e).ToList();
        return _crypttab;
    }

    /// <summary>Active swap areas with their chains.</summary>
    private IReadOnlyList<SwapArea> SwapAreas()
    {
        if (_swap is not null) return _swap;
        _swap = [];
        var areas = new List<SwapArea>();
        foreach (var s in ProcSwaps.Parse(ReadHostFile("/proc/swaps") ?? ""))
        {
            if (s.Type == "file")
            {
                var file = Resolve(s.Path, 1);
                areas.Add(new SwapArea(s.Path, s.Type, s.SizeKiB, file.Chain, file.Verdict));
                continue;
            }
            var walker = new BlockStackWalker(_root, Resolve, name => CrypttabEntries().FirstOrDefault(e => e.Name == name), 1);
            var name = walker.NameOfDeviceNode(s.Path);
            if (name is null)
            {
                areas.Add(new SwapArea(s.Path, s.Type, s.SizeKiB, [], new EncryptionVerdict(EncryptionState.Unknown, true, $"{s.Path}: not found in /sys/class/block")));
                continue;
            }
            walker.Walk(name);
            areas.Add(new SwapArea(s.Path, s.Type, s.SizeKiB, walker.Chain, walker.Verdict(name)));
        }
        return _swap = areas;
    }

    private string? ReadHostFile(string hostPath)
    {
        try
        {
            return _root.ReadText(hostPath, InputKind.MountTable);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            _problems.Add($"{hostPath}: {e.Message}");
            return null;
        }
    }
}
