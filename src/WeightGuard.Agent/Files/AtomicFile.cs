using System.Runtime.InteropServices;

namespace WeightGuard.Agent.Files;

/// <summary>
/// Writes a file so that a crash leaves either the old content or the new, never a mix: a temporary file beside it,
/// flushed to disk, renamed over the target, and the directory flushed so the rename itself survives power loss.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>Temporary files start with this; readers of a directory skip (and may delete) them.</summary>
    public const string TempPrefix = ".tmp-";

    /// <summary>
    /// Writes <paramref name="contents"/> to <paramref name="path"/> atomically, readable and writable by its owner only
    /// (0600) from the first byte: everything the agent keeps is its own.
    /// </summary>
    /// <param name="path">The target file.</param>
    /// <param name="contents">The whole new content.</param>
    public static void Write(string path, ReadOnlySpan<byte> contents)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = Path.Combine(directory, TempPrefix + Path.GetFileName(path) + "-" + Guid.NewGuid().ToString("N"));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = StatePermissions.File;
        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        FlushDirectory(directory);
    }

    /// <summary>Flushes a directory's entries (fsync on the directory); a no-op on Windows, where NTFS journals renames.</summary>
    public static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        var fd = open(directory, O_RDONLY);
        if (fd < 0) throw new IOException($"{directory}: cannot open to flush (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (fsync(fd) != 0) throw new IOException($"{directory}: fsync failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally { close(fd); }
    }

    private const int O_RDONLY = 0;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
