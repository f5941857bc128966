using Microsoft.Win32.SafeHandles;
using WeightGuard.Core.Inputs;

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
    /// <paramref name="seen"/> is the caller's own statx of the path, when it has one: a path it saw is not a regular file is not opened.
    /// </summary>
    /// <exception cref="IOException">The file cannot be opened (the message names the errno; HResult is the errno).</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    public static SafeFileHandle? Open(string path, out FileStatus status, FileStatus? seen = null)
    {
        if (seen is { IsRegularFile: false } other)
        {
            status = other;
            return null;
        }
        // The rule itself (type before and after a non-blocking open) is the bounded reader's, shared with Core.
        var handle = BoundedFile.OpenRegular(path);
        if (handle is null)
        {
            status = FileStatus.Stat(path);
            return null;
        }
        try
        {
            status = FileStatus.Of(handle, path);
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
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
