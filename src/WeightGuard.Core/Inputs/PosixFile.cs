using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace WeightGuard.Core.Inputs;

/// <summary>Non-blocking open of regular files on Linux, with the file type read by <c>statx(2)</c> before and after.</summary>
[UnsupportedOSPlatform("windows")]
internal static unsafe partial class PosixFile
{
    private const int O_RDONLY = 0, O_NOCTTY = 0x100, O_NONBLOCK = 0x800, O_NOFOLLOW = 0x20000, O_CLOEXEC = 0x80000;
    private const int ENOENT = 2, EACCES = 13, ELOOP = 40, ENOTDIR = 20;
    private const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100, AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const uint TypeMask = 0xF000, Regular = 0x8000;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    /// <inheritdoc cref="BoundedFile.OpenRegular"/>
    public static SafeFileHandle? OpenRegular(string path, bool followFinalLink, string name)
    {
        // Before opening: a device is never opened at all (opening some has effects, such as arming a watchdog).
        if (Mode(AtFdCwd, path, followFinalLink ? 0 : AtSymlinkNoFollow, name) is var before && (before & TypeMask) != Regular) return null;
        var fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | (followFinalLink ? 0 : O_NOFOLLOW));
        if (fd < 0) throw Failure(name);
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            // After opening: the path may have been swapped for something else in between.
            if ((Mode(fd, "", AtEmptyPath, name) & TypeMask) == Regular) return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        handle.Dispose();
        return null;
    }

    /// <summary>What the path is, in words, for a message refusing it.</summary>
    public static string TypeName(string path)
    {
        try
        {
            return (Mode(AtFdCwd, path, 0, path) & TypeMask) switch
            {
                0x1000 => "a FIFO", 0x2000 => "a character device", 0x4000 => "a directory", 0x6000 => "a block device",
                0xA000 => "a symbolic link", 0xC000 => "a socket", _ => "not a regular file",
            };
        }
        catch (IOException)
        {
            return "a symbolic link";
        }
    }

    private static uint Mode(int dirfd, string path, int flags, string name)
    {
        Span<byte> buffer = stackalloc byte[256];
        int rc;
        fixed (byte* p = buffer) rc = statx(dirfd, path, flags, StatxType, p);
        if (rc != 0) throw Failure(name);
        return BinaryPrimitives.ReadUInt16LittleEndian(buffer[28..]);
    }

    private static Exception Failure(string path)
    {
        var errno = Marshal.GetLastPInvokeError();
        // HResult carries the errno, as the collectors' own native calls do.
        Exception failure = errno switch
        {
            ENOENT or ENOTDIR => new FileNotFoundException($"{path}: no such file or directory", path),
            EACCES => new UnauthorizedAccessException($"{path}: permission denied"),
            ELOOP => new IOException($"{path}: a symbolic link where none may be (or too many levels of links)"),
            _ => new IOException($"{path}: {Marshal.GetPInvokeErrorMessage(errno)}"),
        };
        failure.HResult = errno;
        return failure;
    }
}
