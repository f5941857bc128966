namespace WeightGuard.Collectors.Native;

/// <summary>Reads the first bytes of a regular file, never more, whatever size the file has.</summary>
public static class FileHead
{
    /// <summary>
    /// Fills as much of <paramref name="buffer"/> as the file allows. Returns false, reading nothing, when the path is not
    /// a regular file: opening a FIFO blocks and reading a device can be endless.
    /// </summary>
    /// <exception cref="IOException">The file cannot be opened or read.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    public static bool TryRead(string path, Span<byte> buffer, out int read)
    {
        read = 0;
        if (!FileStatus.Stat(path).IsRegularFile) return false;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return true;
    }
}
