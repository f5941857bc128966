using Microsoft.Win32.SafeHandles;

namespace WeightGuard.Collectors.Native;

/// <summary>
/// Opens regular files for reading, and nothing else: FIFOs, devices and sockets are never opened (opening a FIFO
/// blocks, reading a device can be endless or have side effects).
/// </summary>
public static class RegularFile
{
    /// <summary>
    /// Opens <paramref name="path"/> read-only, or returns null when it is not a regular file. The type is checked by
    /// <c>statx</c> before opening and again on the open descriptor; the open is non-blocking, so a file swapped for a
    /// FIFO in between cannot hang the caller. <paramref name="status"/> describes the file actually opened.
    /// <paramref name="seen"/> is the caller's own statx of the path, when it has one, so it is not asked twice.
    /// </summary>
    /// <exception cref="IOException">The file cannot be opened (the message names the errno; HResult is the errno).</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    public static SafeFileHandle? Open(string path, out FileStatus status, FileStatus? seen = null)
    {
        status = seen ?? FileStatus.Stat(path);
        if (!status.IsRegularFile) return null;
        var fd = LibC.open(path, LibC.O_RDONLY | LibC.O_NONBLOCK | LibC.O_NOCTTY | LibC.O_CLOEXEC);
        if (fd < 0) throw LibC.AccessFailure(path);
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            status = FileStatus.Of(handle, path);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        if (status.IsRegularFile) return handle;
        handle.Dispose();
        return null;
    }

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/> as far as the file allows; returns the bytes read.</summary>
    /// <exception cref="IOException">A read failed.</exception>
    public static int ReadAt(SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = RandomAccess.Read(handle, buffer[total..], offset + total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
