namespace WeightGuard.Core.Evidence;

/// <summary>
/// How weights on network storage travel between the storage and this host: one entry per weight path whose storage is
/// a network file system (NFS, SMB/CIFS, Ceph…) or a network block device (iSCSI), with the options that decide whether
/// the traffic is encrypted. Weight paths on local storage do not appear.
/// </summary>
public sealed record TransitEvidence
{
    /// <summary>Weight paths on network storage.</summary>
    public IReadOnlyList<NetworkStoragePath> Paths { get; init; } = [];
    /// <summary>What could not be read (sysfs entries of an iSCSI session), one line each.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];
}

/// <summary>A weight path on network storage and how its traffic is protected.</summary>
/// <param name="Path">The weight path as configured.</param>
/// <param name="Protocol"><c>nfs</c>, <c>smb</c>, <c>iscsi</c>, or the file-system type of another network file system
/// (<c>ceph</c>, <c>glusterfs</c>, <c>9p</c>…).</param>
/// <param name="MountPoint">The mount the path lies under.</param>
/// <param name="Source">The mount source (<c>filer:/export</c>, <c>//filer/share</c>) or, for iSCSI, the target name.</param>
/// <param name="Options">The options that govern protection on the wire, as the kernel reports them: NFS <c>sec</c> and
/// <c>vers</c>; SMB <c>seal</c> and <c>vers</c>; Ceph <c>ms_mode</c>; iSCSI <c>session</c>, <c>target</c>,
/// <c>address</c>, <c>headerDigest</c>, <c>dataDigest</c>. Sorted by name; absent options are not listed.</param>
public sealed record NetworkStoragePath(string Path, string Protocol, string MountPoint, string Source, IReadOnlyDictionary<string, string> Options);
