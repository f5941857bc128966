using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace WeightGuard.Collectors.Native;

/// <summary>What <c>statx(2)</c> tells about one path: ownership, mode, identity and size.</summary>
/// <param name="Mode">File type and permission bits (st_mode).</param>
/// <param name="Uid">Owner uid.</param>
/// <param name="Gid">Group gid.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Inode">Inode number.</param>
/// <param name="DeviceMajor">Major number of the device holding the file.</param>
/// <param name="DeviceMinor">Minor number of the device holding the file.</param>
/// <param name="ModifiedSeconds">mtime, seconds since the epoch.</param>
/// <param name="ChangedSeconds">ctime, seconds since the epoch.</param>
/// <param name="ModifiedNanoseconds">The nanoseconds of mtime (two writes within a second differ here).</param>
/// <param name="ChangedNanoseconds">The nanoseconds of ctime.</param>
public readonly record struct FileStatus(uint Mode, uint Uid, uint Gid, long Size, ulong Inode, uint DeviceMajor, uint DeviceMinor,
    long ModifiedSeconds, long ChangedSeconds, uint ModifiedNanoseconds = 0, uint ChangedNanoseconds = 0)
{
    /// <summary>Permission bits only (rwx for owner, group, other, plus setuid/setgid/sticky).</summary>
    public uint Permissions => Mode & 0xFFF;
    /// <summary>A directory.</summary>
    public bool IsDirectory => (Mode & 0xF000) == 0x4000;
    /// <summary>A regular file.</summary>
    public bool IsRegularFile => (Mode & 0xF000) == 0x8000;
    /// <summary>A symbolic link (only from <see cref="Lstat"/>).</summary>
    public bool IsSymlink => (Mode & 0xF000) == 0xA000;
    /// <summary>The permission bits as four octal digits, e.g. <c>0640</c>.</summary>
    public string OctalMode => Convert.ToString(Permissions, 8).PadLeft(4, '0');

    /// <summary>Status of the path, following symbolic links.</summary>
    /// <exception cref="IOException">The call failed; the message names the errno.</exception>
    public static FileStatus Stat(string path) => Query(AtFdCwd, path, 0, path);

    /// <summary>Status of the path itself, not following a final symbolic link.</summary>
    /// <exception cref="IOException">The call failed; the message names the errno.</exception>
    public static FileStatus Lstat(string path) => Query(AtFdCwd, path, AtSymlinkNoFollow, path);

    /// <summary>Status of an open file: exactly the file whose bytes are read through <paramref name="handle"/>.</summary>
    /// <param name="handle">The open file.</param>
    /// <param name="name">The path it was opened by, for error messages.</param>
    /// <exception cref="IOException">The call failed; the message names the errno.</exception>
    public static FileStatus Of(SafeHandle handle, string name)
    {
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            return Query((int)handle.DangerousGetHandle(), "", AtEmptyPath, name);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7FF;

    private static unsafe FileStatus Query(int dirfd, string path, int flags, string name)
    {
        // struct statx has the same layout on every Linux architecture, unlike struct stat, so one definition serves all.
        Span<byte> buffer = stackalloc byte[256];
        int rc;
        fixed (byte* p = buffer)
            rc = LibC.statx(dirfd, path, flags, StatxBasicStats, p);
        if (rc != 0) throw LibC.Failure(name);
        return new FileStatus(
            Mode: BinaryPrimitives.ReadUInt16LittleEndian(buffer[28..]),
            Uid: BinaryPrimitives.ReadUInt32LittleEndian(buffer[20..]),
            Gid: BinaryPrimitives.ReadUInt32LittleEndian(buffer[24..]),
            Size: (long)BinaryPrimitives.ReadUInt64LittleEndian(buffer[40..]),
            Inode: BinaryPrimitives.ReadUInt64LittleEndian(buffer[32..]),
            DeviceMajor: BinaryPrimitives.ReadUInt32LittleEndian(buffer[136..]),
            DeviceMinor: BinaryPrimitives.ReadUInt32LittleEndian(buffer[140..]),
            ModifiedSeconds: BinaryPrimitives.ReadInt64LittleEndian(buffer[112..]),
            ChangedSeconds: BinaryPrimitives.ReadInt64LittleEndian(buffer[96..]),
            ModifiedNanoseconds: BinaryPrimitives.ReadUInt32LittleEndian(buffer[120..]),
            ChangedNanoseconds: BinaryPrimitives.ReadUInt32LittleEndian(buffer[104..]));
    }
}
