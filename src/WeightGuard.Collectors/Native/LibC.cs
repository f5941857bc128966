using System.Runtime.InteropServices;

namespace WeightGuard.Collectors.Native;

/// <summary>The few libc calls .NET does not expose: statx, extended attributes, non-blocking open, directory listing, fsync of a directory.</summary>
internal static unsafe partial class LibC
{
    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint lgetxattr(string path, string name, byte* value, nuint size);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int fsync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial nint getdents64(int fd, byte* buffer, nuint count);

    [LibraryImport("libc")]
    internal static partial uint geteuid();

    /// <summary>open(2) flags, the same on every Linux architecture .NET runs on.</summary>
    internal const int O_RDONLY = 0, O_NOCTTY = 0x100, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;

    internal const int ENOENT = 2, EACCES = 13, ENODATA = 61, ELOOP = 40, EOPNOTSUPP = 95, ERANGE = 34;

    /// <summary>The last errno as .NET's file APIs would throw it: permission denied as UnauthorizedAccessException, the rest as <see cref="Failure"/>.</summary>
    internal static Exception AccessFailure(string path)
    {
        var failure = Failure(path);
        return failure.HResult == EACCES ? new UnauthorizedAccessException(failure.Message, failure) : failure;
    }

    /// <summary>An IOException for the last errno, with the path and the error's name.</summary>
    internal static IOException Failure(string path)
    {
        var errno = Marshal.GetLastPInvokeError();
        var text = errno switch
        {
            ENOENT => "no such file or directory",
            EACCES => "permission denied",
            ELOOP => "too many levels of symbolic links",
            _ => Marshal.GetPInvokeErrorMessage(errno),
        };
        return new IOException($"{path}: {text}", errno);
    }
}
