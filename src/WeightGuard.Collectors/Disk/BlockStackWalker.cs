using WeightGuard.Core.Evidence;
using WeightGuard.Core.Inputs;

namespace WeightGuard.Collectors.Disk;

/// <summary>
/// Walks a Linux block device down through sysfs (<c>/sys/class/block/NAME</c>): device-mapper targets by their
/// <c>dm/uuid</c> prefix (CRYPT-LUKS1/2, CRYPT-PLAIN, CRYPT-BITLK, CRYPT-TCRYPT, LVM-…), md RAID, loop devices (into the
/// chain of their backing file), partitions to their disk, and <c>slaves/</c> to the devices underneath. LUKS headers
/// are read from the device under each dm-crypt mapping. A visited set ends cycles; a depth limit ends runaway trees.
/// </summary>
internal sealed class BlockStackWalker(HostRoot root, Func<string, int, StoragePathEvidence> resolvePath,
    Func<string, CrypttabEntry?> crypttabFor, int pathDepth)
{
    private const int MaxDepth = 32;

    private readonly Dictionary<string, Node> _nodes = new(StringComparer.Ordinal);

    public List<StorageLayer> Chain { get; } = [];

    public List<EncryptedVolume> Volumes { get; } = [];

    /// <summary>A block device as found: its layer, whether it encrypts, and for a loop device the backing file's verdict.</summary>
    private sealed record Node(StorageLayer Layer, bool Encrypts, EncryptionVerdict? Backing, string? NullCipher);

    /// <summary>The sysfs name (<c>dm-0</c>, <c>sda2</c>) of the block device <paramref name="major"/>:<paramref name="minor"/>, or null.</summary>
    public string? NameOf(int major, int minor)
    {
        var link = $"/sys/dev/block/{major}:{minor}";
        return Directory.Exists(root.Resolve(link)) ? HostPaths.Name(HostPaths.RealPath(root, link)) : null;
    }

    /// <summary>The sysfs name of the device node <paramref name="devicePath"/> (<c>/dev/mapper/root</c> → <c>dm-0</c>), or null.</summary>
    public string? NameOfDeviceNode(string devicePath)
    {
        if (!devicePath.StartsWith("/dev/", StringComparison.Ordinal)) return null;
        var name = HostPaths.Name(HostPaths.RealPath(root, devicePath));
        return Directory.Exists(root.Resolve($"/sys/class/block/{name}")) ? name : null;
    }

    /// <summary>Walks <paramref name="name"/> and everything beneath it into <see cref="Chain"/>.</summary>
    public void Walk(string name) => Walk(name, 0);

    private void Walk(string name, int depth)
    {
        if (_nodes.ContainsKey(name) || depth > MaxDepth) return;
        if (name.Length == 0 || name.Contains('/') || name is "." or "..")
        {
            Add(name, new Node(new StorageLayer("unknown", name, null, Details(("problem", "not a block device name")), []), false, null, null));
            return;
        }
        var sys = HostPaths.RealPath(root, $"/sys/class/block/{name}");
        if (!Directory.Exists(root.Resolve(sys)))
        {
            Add(name, new Node(new StorageLayer("unknown", name, $"/dev/{name}", Details(("problem", "not found in /sys/class/block")), []), false, null, null));
            return;
        }
        // A loop device appends its backing file's chain while it is classified; its own layer goes first.
        var at = Chain.Count;
        var node = Classify(name, sys);
        _nodes[name] = node;
        Chain.Insert(at, node.Layer);
        if (node.Backing is not null) return; // below a loop device lies its backing file's chain, already added
        foreach (var below in node.Layer.Below) Walk(below, depth + 1);
    }

    private void Add(string name, Node node)
    {
        _nodes[name] = node;
        Chain.Add(node.Layer);
    }

    private Node Classify(string name, string sys)
    {
        var device = $"/dev/{name}";
        var slaves = ListDir($"{sys}/slaves");
        var dmUuid = Read($"{sys}/dm/uuid");
        if (dmUuid is not null || Directory.Exists(root.Resolve($"{sys}/dm")))
            return DeviceMapper(name, device, Read($"{sys}/dm/name") ?? name, dmUuid ?? "", slaves);
        if (Directory.Exists(root.Resolve($"{sys}/md")))
            return new Node(new StorageLayer("md", name, device, Details(("level", Read($"{sys}/md/level")),
                ("members", slaves.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))), slaves), false, null, null);
        if (File.Exists(root.Resolve($"{sys}/partition")))
        {
            var disk = HostPaths.Name(HostPaths.Parent(sys));
            return new Node(new StorageLayer("partition", name, device, Details(("partition", Read($"{sys}/partition")),
                ("start", Read($"{sys}/start")), ("size", Sectors(Read($"{sys}/size")))), [disk]), false, null, null);
        }
        if (Read($"{sys}/loop/backing_file") is { } backing)
        {
            var file = resolvePath(backing, pathDepth + 1);
            var below = file.Chain.Count > 0 ? file.Chain[0].Name : null;
            foreach (var layer in file.Chain.Where(l => !Chain.Any(c => c.Name == l.Name && c.Kind == l.Kind))) Chain.Add(layer);
            Volumes.AddRange(file.Volumes);
            return new Node(new StorageLayer("loop", name, device, Details(("backingFile", backing)), below is null ? [] : [below]), false,
                file.Verdict, null);
        }
        if (name.StartsWith("zram", StringComparison.Ordinal))
        {
            var writeback = Read($"{sys}/backing_dev");
            var wb = writeback is null or "none" ? null : NameOfDeviceNode(writeback);
            return new Node(new StorageLayer("zram", name, device, Details(("backingDev", writeback), ("algorithm", Read($"{sys}/comp_algorithm"))),
                wb is null ? [] : [wb]), false, null, null);
        }
        return new Node(new StorageLayer("disk", name, device, Details(("model", Read($"{sys}/device/model")), ("size", Sectors(Read($"{sys}/size"))),
            ("rotational", Read($"{sys}/queue/rotational")), ("removable", Read($"{sys}/removable"))), slaves), false, null, null);
    }

    private Node DeviceMapper(string name, string device, string dmName, string uuid, IReadOnlyList<string> slaves)
    {
        var details = Details(("dmName", dmName), ("dmUuid", uuid), ("mapper", $"/dev/mapper/{dmName}"));
        if (uuid.StartsWith("LVM-", StringComparison.Ordinal))
            return new Node(new StorageLayer("lvm", name, device, details, slaves), false, null, null);
        if (!uuid.StartsWith("CRYPT-", StringComparison.Ordinal))
            return new Node(new StorageLayer("dm", name, device, details, slaves), false, null, null);
        // libcryptsetup: CRYPT-<TYPE>-<uuid without dashes>-<name>; PLAIN has no uuid part.
        var type = uuid["CRYPT-".Length..].Split('-')[0];
        switch (type)
        {
            case "VERITY":
            case "INTEGRITY":
                return new Node(new StorageLayer("dm-" + type.ToLowerInvariant(), name, device, details, slaves), false, null, null);
            case "SUBDEV":
                return new Node(new StorageLayer("dm", name, device, details, slaves), false, null, null);
        }
        var volume = CryptVolume(dmName, type, uuid, slaves);
        Volumes.Add(volume);
        details["type"] = type;
        if (volume.Cipher is not null) details["cipher"] = volume.Cipher;
        if (volume.KeyBits is { } bits) details["keyBits"] = bits.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var nullCipher = volume.Luks is { Encrypted: false } l ? l.Cipher : null;
        return new Node(new StorageLayer("dm-crypt", name, device, details, slaves), nullCipher is null, null, nullCipher);
    }

    private EncryptedVolume CryptVolume(string dmName, string type, string uuid, IReadOnlyList<string> slaves)
    {
        var problems = new List<string>();
        var underlying = slaves.Count > 0 ? $"/dev/{slaves[0]}" : null;
        LuksSummary? luks = null;
        if (type is "LUKS1" or "LUKS2" && underlying is not null)
        {
            try
            {
                luks = LuksSummarizer.Summarize(LuksHeaderParser.ParseFile(root.Resolve(underlying)));
                var expected = uuid.Split('-').ElementAtOrDefault(2);
                if (expected is not null && !string.Equals(expected, luks.Uuid.Replace("-", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase))
                    problems.Add($"{underlying}: header uuid {luks.Uuid} is not the mapping's (detached header?)");
            }
            catch (LuksFormatException e)
            {
                problems.Add($"{underlying}: {e.Message} (detached header?)");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems.Add($"{underlying}: LUKS header not readable: {e.Message}");
            }
        }
        var crypttab = crypttabFor(dmName);
        return new EncryptedVolume(dmName, type, underlying, luks?.Cipher, luks?.KeyBits, luks, crypttab,
            UnlockAnalyzer.Analyze(luks, crypttab), problems);
    }

    /// <summary>The verdict for <paramref name="name"/>: encrypted when every path down to a disk passes an encrypting layer.</summary>
    public EncryptionVerdict Verdict(string name) => Verdict(name, new HashSet<string>(StringComparer.Ordinal));

    private EncryptionVerdict Verdict(string name, HashSet<string> onPath)
    {
        if (!_nodes.TryGetValue(name, out var node) || !onPath.Add(name))
            return new EncryptionVerdict(EncryptionState.Unknown, true, $"{name}: not found in /sys (or a cycle in slaves)");
        try
        {
            var layer = node.Layer;
            if (node.NullCipher is not null)
                return new EncryptionVerdict(EncryptionState.Unencrypted, true, $"{name} ({layer.Details["dmName"]}) uses {node.NullCipher}, which does not encrypt");
            if (node.Encrypts)
                return new EncryptionVerdict(EncryptionState.Encrypted, true, $"{name} is dm-crypt {layer.Details["type"]} ({layer.Details["dmName"]})");
            if (node.Backing is { } backing) return backing with { Reason = $"{name} is backed by a file: {backing.Reason}" };
            if (layer.Kind == "unknown") return new EncryptionVerdict(EncryptionState.Unknown, true, $"{name}: not found in /sys");
            if (layer.Below.Count == 0)
                return layer.Kind == "zram"
                    ? new EncryptionVerdict(EncryptionState.Encrypted, false, $"{name} is compressed memory (zram) without a writeback device")
                    : new EncryptionVerdict(EncryptionState.Unencrypted, true, $"{name} ({layer.Kind}) holds data with no encryption layer above it (self-encrypting drive state not checked)");
            var verdicts = layer.Below.Select(b => Verdict(b, onPath)).ToList();
            return verdicts.FirstOrDefault(v => v.Encrypted == EncryptionState.Unencrypted)
                   ?? verdicts.FirstOrDefault(v => v.Encrypted == EncryptionState.Unknown)
                   ?? verdicts[0];
        }
        finally
        {
            onPath.Remove(name);
        }
    }

    private IReadOnlyList<string> ListDir(string hostDir)
    {
        var local = root.Resolve(hostDir);
        if (!Directory.Exists(local)) return [];
        return Directory.EnumerateFileSystemEntries(local).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
    }

    private string? Read(string hostPath)
    {
        try
        {
            return root.ReadText(hostPath, InputKind.SystemFile)?.Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? Sectors(string? sectors) =>
        long.TryParse(sectors, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? (n * 512).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;

    internal static SortedDictionary<string, string> Details(params (string Key, string? Value)[] pairs)
    {
        var d = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in pairs) if (!string.IsNullOrEmpty(v)) d[k] = v;
        return d;
    }
}
