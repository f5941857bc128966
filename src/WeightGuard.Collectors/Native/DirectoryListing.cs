using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace WeightGuard.Collectors.Native;

/// <summary>What the directory itself says an entry is (<c>d_type</c>); <see cref="Unknown"/> on file systems that do not say.</summary>
public enum DirectoryEntryType : byte
{
    /// <summary>The file system does not record types: stat the entry.</summary>
    Unknown = 0,
    /// <summary>A named pipe.</summary>
    Fifo = 1,
    /// <summary>A character device.</summary>
    CharacterDevice = 2,
    /// <summary>A directory.</summary>
    Directory = 4,
    /// <summary>A block device.</summary>
    BlockDevice = 6,
    /// <summary>A regular file.</summary>
    Regular = 8,
    /// <summary>A symbolic link.</summary>
    SymbolicLink = 10,
    /// <summary>A socket.</summary>
    Socket = 12,
}

/// <summary>One directory entry: its name and type, as read from the directory without a stat.</summary>
/// <param name="Name">The file name.</param>
/// <param name="Type">The type the directory records.</param>
public readonly record struct DirectoryEntry(string Name, DirectoryEntryType Type);

/// <summary>
/// Lists a directory with <c>getdents64(2)</c>: names and types in large batches, no stat per entry (which is most of
/// the cost of walking a big tree).
/// </summary>
public static class DirectoryListing
{
    private const int BufferBytes = 64 * 1024;
    private const int NameOffset = 19;

    /// <summary>The entries of <paramref name="path"/>, without <c>.</c> and <c>..</c>, in the order the file system returns them.</summary>
    /// <exception cref="IOException">The directory cannot be opened or read (HResult is the errno).</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    public static unsafe List<DirectoryEntry> Read(string path)
    {
        // O_NONBLOCK: a path that turned into a FIFO since it was seen as a directory must not block; getdents then fails.
        var fd = LibC.open(path, LibC.O_RDONLY | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        if (fd < 0) throw LibC.AccessFailure(path);
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        try
        {
            var entries = new List<DirectoryEntry>();
            while (true)
            {
                nint n;
                fixed (byte* p = buffer) n = LibC.getdents64(fd, p, BufferBytes);
                if (n < 0) throw LibC.AccessFailure(path);
                if (n == 0) return entries;
                Parse(buffer.AsSpan(0, (int)n), entries, path);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Decodes <c>struct linux_dirent64</c> records: u64 inode, i64 offset, u16 record length, u8 type, NUL-terminated name.</summary>
    private static void Parse(ReadOnlySpan<byte> batch, List<DirectoryEntry> entries, string path)
    {
        for (var offset = 0; offset < batch.Length;)
        {
            if (batch.Length - offset < NameOffset + 1) throw new IOException($"{path}: directory record cut short at offset {offset}");
            var length = BinaryPrimitives.ReadUInt16LittleEndian(batch[(offset + 16)..]);
            if (length < NameOffset + 1 || length > batch.Length - offset) throw new IOException($"{path}: directory record of {length} bytes at offset {offset}");
            var record = batch.Slice(offset, length);
            var name = record[NameOffset..];
            var end = name.IndexOf((byte)0);
            if (end >= 0) name = name[..end];
            offset += length;
            if (name.SequenceEqual("."u8) || name.SequenceEqual(".."u8)) continue;
            entries.Add(new DirectoryEntry(Encoding.UTF8.GetString(name), (DirectoryEntryType)record[18]));
        }
    }
}
