namespace WeightGuard.Collectors.Native;

/// <summary>Reads the first bytes of a file, never more, whatever size the file has.</summary>
public static class FileHead
{
    /// <summary>Fills as much of <paramref name="buffer"/> as the file allows and returns the count.</summary>
    /// <exception cref="IOException">The file cannot be opened or read.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    public static int Read(string path, Span<byte> buffer)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
    }
}
