using System.Text;
using Microsoft.Win32.SafeHandles;

namespace WeightGuard.Core.Inputs;

/// <summary>
/// The one way WeightGuard reads an input file: regular files only (a FIFO, device or socket is never opened, and the
/// open is non-blocking so a file swapped for a FIFO in between cannot hang), never more than the
/// <see cref="InputKind"/>'s limit whatever size the file claims or turns out to have. Collectors resolve a host path
/// inside <c>--root</c> first (HostRoot); everything else (catalogue, waivers, recordings, certificates) passes its path.
/// </summary>
public static class BoundedFile
{
    /// <summary>The file's bytes.</summary>
    /// <param name="path">The path on this machine.</param>
    /// <param name="kind">What the file is, and so its limit.</param>
    /// <param name="followFinalLink">False to refuse a final symbolic link (the caller resolved links itself).</param>
    /// <param name="name">What to call the file in messages (the host path under <c>--root</c>); <paramref name="path"/> when null.</param>
    /// <exception cref="FileNotFoundException">The path does not exist.</exception>
    /// <exception cref="IOException">Not a regular file, or it cannot be opened or read (the message names the path).</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    /// <exception cref="InvalidDataException">The file is larger than the kind's limit.</exception>
    public static byte[] ReadBytes(string path, InputKind kind, bool followFinalLink = true, string? name = null)
    {
        name ??= path;
        using var handle = OpenRegular(path, followFinalLink, name) ?? throw new IOException($"{name}: {DescribeType(path)}, not a regular file; not read");
        return ReadAll(handle, name, kind);
    }

    /// <summary>The file as UTF-8 text (a leading byte-order mark dropped); see <see cref="ReadBytes"/>.</summary>
    /// <inheritdoc cref="ReadBytes" path="/exception"/>
    public static string ReadText(string path, InputKind kind, bool followFinalLink = true, string? name = null)
    {
        var bytes = ReadBytes(path, kind, followFinalLink, name);
        var text = bytes.AsSpan();
        if (text.StartsWith(Utf8Bom)) text = text[Utf8Bom.Length..];
        return Encoding.UTF8.GetString(text);
    }

    /// <summary>
    /// Opens <paramref name="path"/> read-only when it is a regular file, or returns null (opening nothing) when it is
    /// not. The type is checked before opening and again on the open descriptor.
    /// </summary>
    /// <param name="path">The path on this machine.</param>
    /// <param name="followFinalLink">False to refuse a final symbolic link.</param>
    /// <param name="name">What to call the file in messages; <paramref name="path"/> when null.</param>
    /// <exception cref="FileNotFoundException">The path does not exist.</exception>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    public static SafeFileHandle? OpenRegular(string path, bool followFinalLink = true, string? name = null)
    {
        name ??= path;
        if (OperatingSystem.IsWindows())
        {
            // Windows has no FIFOs or devices in the file namespace reachable by an ordinary path; attributes suffice.
            if (!File.Exists(path)) throw new FileNotFoundException($"{name}: no such file", path);
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        return PosixFile.OpenRegular(path, followFinalLink, name);
    }

    /// <summary>
    /// Opens a regular file as a stream, for readers that bound what they read themselves (decompressors, zip, logs).
    /// </summary>
    /// <param name="path">The path on this machine.</param>
    /// <param name="followFinalLink">False to refuse a final symbolic link.</param>
    /// <param name="name">What to call the file in messages; <paramref name="path"/> when null.</param>
    /// <exception cref="FileNotFoundException">The path does not exist.</exception>
    /// <exception cref="IOException">Not a regular file, or it cannot be opened.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    public static FileStream OpenStream(string path, bool followFinalLink = true, string? name = null)
    {
        name ??= path;
        var handle = OpenRegular(path, followFinalLink, name) ?? throw new IOException($"{name}: {DescribeType(path)}, not a regular file; not read");
        return new FileStream(handle, FileAccess.Read, bufferSize: 0);
    }

    /// <summary>Reads an open file to its end, refusing it when it holds more than the kind allows; <paramref name="name"/> names it in messages.</summary>
    /// <exception cref="InvalidDataException">More than the limit.</exception>
    public static byte[] ReadAll(SafeFileHandle handle, string name, InputKind kind)
    {
        // The size is a hint only: /proc files claim 0, and a file may grow while it is read.
        var claimed = RandomAccess.GetLength(handle);
        if (claimed > kind.MaxBytes) throw TooLarge(name, kind);
        var buffer = new byte[Math.Clamp(claimed + 1, 4096, kind.MaxBytes + 1L)];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (total > kind.MaxBytes) throw TooLarge(name, kind);
                Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, kind.MaxBytes + 1L));
            }
            var n = RandomAccess.Read(handle, buffer.AsSpan(total), total);
            if (n == 0) break;
            total += n;
        }
        if (total > kind.MaxBytes) throw TooLarge(name, kind);
        Array.Resize(ref buffer, total);
        return buffer;
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static InvalidDataException TooLarge(string name, InputKind kind) =>
        new($"{name}: larger than the {kind.Limit} allowed for a {kind.Name}; not read");

    private static string DescribeType(string path) => OperatingSystem.IsWindows() ? "not a file" : PosixFile.TypeName(path);
}
