namespace WeightGuard.Collectors.Native;

/// <summary>Reads the first bytes of a regular file, never more, whatever size the file has.</summary>
public static class FileHead
{
    /// <summary>
    /// Fills as much of <paramref name="buffer"/> as the file allows. Returns false, reading nothing, when the path is not
    /// a regular file (see <see cref="RegularFile.Open"/>).
    /// </summary>
    /// <exception cref="IOException">The file cannot be opened or read.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    public static bool TryRead(string path, Span<byte> buffer, out int read)
    {
        read = 0;
        using var handle = RegularFile.Open(path, out _);
        if (handle is null) return false;
        read = RegularFile.ReadAt(handle, buffer, 0);
        return true;
    }
}
