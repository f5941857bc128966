using System.Text.RegularExpressions;
using WeightGuard.Core.Evidence;
using WeightGuard.Core.Inputs;

namespace WeightGuard.Collectors.Disk;

/// <summary>
/// Finds the weight paths whose data crosses a network and records what protects it on the wire: for a network file
/// system its mount's superblock options (NFS <c>sec</c>/<c>xprtsec</c>, SMB <c>seal</c>, Ceph <c>ms_mode</c>, 9p
/// <c>trans</c>), and for a disk in the storage chain that sits in an iSCSI session (its sysfs path runs through
/// <c>sessionN</c>) the session's target, portal and digests. Reads only the mount table and the sysfs entries of the
/// devices already in each chain: no file system is walked.
/// </summary>
public sealed partial class NetworkStorageCollector(HostRoot root, StorageChainResolver resolver)
{
    /// <summary>Superblock options that decide protection on the wire, by protocol; no other option (user names,
    /// addresses of this host) is recorded.</summary>
    private static readonly Dictionary<string, string[]> WireOptions = new(StringComparer.Ordinal)
    {
        ["nfs"] = ["sec", "xprtsec", "vers"],
        ["smb"] = ["seal", "vers"],
        ["ceph"] = ["ms_mode"],
        ["9p"] = ["trans"],
    };

    /// <summary>Collects the transit evidence for the resolved weight paths.</summary>
    public TransitEvidence Collect(IReadOnlyList<StoragePathEvidence> paths)
    {
        var found = new List<NetworkStoragePath>();
        var problems = new List<string>();
        foreach (var path in paths)
        {
            if (resolver.MountOf(path.Path) is not { } mount) continue;
            if (StorageChainResolver.NetworkFileSystems.Contains(mount.FsType))
            {
                var protocol = Protocol(mount.FsType);
                found.Add(new NetworkStoragePath(path.Path, protocol, mount.MountPoint, mount.Source, Options(protocol, mount.SuperOptions)));
                continue;
            }
            foreach (var disk in path.Chain.Where(l => l.Kind == "disk").Select(l => l.Name).Distinct(StringComparer.Ordinal))
                if (IscsiSession(disk, problems) is { } session)
                    found.Add(new NetworkStoragePath(path.Path, "iscsi", mount.MountPoint, session.GetValueOrDefault("target", disk), session));
        }
        return new TransitEvidence { Paths = found, Problems = problems };
    }

    /// <summary>NFS and SMB under one name each whatever the kernel calls them; other file systems by their type.</summary>
    private static string Protocol(string fsType) => fsType switch
    {
        "nfs" or "nfs4" => "nfs",
        "cifs" or "smb3" or "smbfs" => "smb",
        _ => fsType,
    };

    /// <summary>The wire options of <paramref name="protocol"/> from a superblock option list; a flag (<c>seal</c>) is <c>true</c>.</summary>
    private static SortedDictionary<string, string> Options(string protocol, string superOptions)
    {
        var options = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!WireOptions.TryGetValue(protocol, out var wanted)) return options;
        foreach (var option in superOptions.Split(','))
        {
            var eq = option.IndexOf('=');
            var name = eq < 0 ? option : option[..eq];
            if (wanted.Contains(name, StringComparer.Ordinal)) options[name] = eq < 0 ? "true" : option[(eq + 1)..];
        }
        return options;
    }

    /// <summary>
    /// The iSCSI session a disk belongs to, from the kernel's device path
    /// (<c>/sys/devices/platform/host3/session1/target3:0:0/3:0:0:0/block/sdb</c>), with its target name, portal address
    /// and digests from <c>/sys/class/iscsi_session</c> and <c>/sys/class/iscsi_connection</c>; null for any other disk.
    /// </summary>
    private SortedDictionary<string, string>? IscsiSession(string disk, List<string> problems)
    {
        var device = HostPaths.RealPath(root, $"/sys/class/block/{disk}");
        var match = SessionComponent().Match(device);
        if (!match.Success) return null;
        var session = match.Groups[1].Value;
        var details = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["session"] = session };
        void Add(string key, string hostPath)
        {
            try
            {
                if (root.ReadText(hostPath, InputKind.SystemFile)?.Trim() is { Length: > 0 } value) details[key] = value;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                problems.Add($"{hostPath}: {e.Message}");
            }
        }
        Add("target", $"/sys/class/iscsi_session/{session}/targetname");
        // connection<session number>:<connection id>; a session has one connection unless multiple connections per session are in use
        var connection = $"/sys/class/iscsi_connection/connection{session["session".Length..]}:0";
        Add("address", connection + "/persistent_address");
        Add("headerDigest", connection + "/header_digest");
        Add("dataDigest", connection + "/data_digest");
        return details;
    }

    [GeneratedRegex(@"/(session[0-9]{1,9})/")]
    private static partial Regex SessionComponent();
}
