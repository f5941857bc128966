using WeightGuard.Collectors.Native;

namespace WeightGuard.Collectors.Weights.Hashing;

/// <summary>
/// What identifies one version of a file's content without reading it: device, inode, size, mtime and ctime (to the
/// nanosecond). Any write changes ctime, and ctime cannot be set back from user space, so an unchanged key means
/// unchanged bytes.
/// </summary>
/// <param name="Device">Device number (major in the high 32 bits, minor in the low).</param>
/// <param name="Inode">Inode number.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="ModifiedSeconds">mtime, seconds.</param>
/// <param name="ModifiedNanoseconds">mtime, nanoseconds.</param>
/// <param name="ChangedSeconds">ctime, seconds.</param>
/// <param name="ChangedNanoseconds">ctime, nanoseconds.</param>
public readonly record struct DigestCacheKey(ulong Device, ulong Inode, long Size, long ModifiedSeconds, uint ModifiedNanoseconds,
    long ChangedSeconds, uint ChangedNanoseconds)
{
    /// <summary>The key of the file <paramref name="status"/> describes.</summary>
    public static DigestCacheKey From(FileStatus status) => new(
        ((ulong)status.DeviceMajor << 32) | status.DeviceMinor, status.Inode, status.Size,
        status.ModifiedSeconds, status.ModifiedNanoseconds, status.ChangedSeconds, status.ChangedNanoseconds);

    /// <summary>The file's identity on this machine, which the rest of the key must match.</summary>
    public (ulong Device, ulong Inode) Identity => (Device, Inode);
}

/// <summary>One cached digest.</summary>
/// <param name="Path">The path on this machine it was last seen at (to drop entries of files that no longer exist).</param>
/// <param name="Key">The file version it was computed for.</param>
/// <param name="Sha256">The SHA-256 digest, 32 bytes.</param>
public sealed record DigestCacheEntry(string Path, DigestCacheKey Key, byte[] Sha256);
