using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace WeightGuard.Collectors.Native;

/// <summary>One entry of a POSIX access ACL as the kernel stores it.</summary>
/// <param name="Tag">Entry type.</param>
/// <param name="Permissions">rwx bits (4, 2, 1).</param>
/// <param name="Id">uid or gid for named entries.</param>
public readonly record struct PosixAclEntry(PosixAclTag Tag, int Permissions, uint Id);

/// <summary>ACL entry types (linux/posix_acl.h).</summary>
public enum PosixAclTag : ushort
{
    /// <summary>The owner (mirrors the mode's owner bits).</summary>
    UserObj = 0x01,
    /// <summary>A named user.</summary>
    User = 0x02,
    /// <summary>The owning group.</summary>
    GroupObj = 0x04,
    /// <summary>A named group.</summary>
    Group = 0x08,
    /// <summary>Upper bound for named entries and the owning group.</summary>
    Mask = 0x10,
    /// <summary>Everyone else.</summary>
    Other = 0x20,
}

/// <summary>Reads and decodes the <c>system.posix_acl_access</c> extended attribute.</summary>
public static class PosixAcl
{
    private const int MaxBytes = 64 * 1024;

    /// <summary>The ACL of <paramref name="path"/> (not following a final link), or empty when it has none beyond the mode.</summary>
    /// <exception cref="IOException">The attribute could not be read.</exception>
    /// <exception cref="InvalidDataException">The attribute is malformed.</exception>
    public static unsafe IReadOnlyList<PosixAclEntry> Read(string path)
    {
        var buffer = new byte[4 + 8 * 32];
        while (true)
        {
            nint n;
            fixed (byte* p = buffer) n = LibC.lgetxattr(path, "system.posix_acl_access", p, (nuint)buffer.Length);
            if (n >= 0) return Decode(buffer.AsSpan(0, (int)n));
            var errno = Marshal.GetLastPInvokeError();
            if (errno is LibC.ENODATA or LibC.EOPNOTSUPP) return [];
            if (errno != LibC.ERANGE || buffer.Length >= MaxBytes) throw LibC.Failure(path);
            buffer = new byte[buffer.Length * 4];
        }
    }

    /// <summary>Decodes the xattr value: <c>u32 version (2)</c> then 8-byte entries <c>u16 tag, u16 perm, u32 id</c>, little-endian.</summary>
    /// <exception cref="InvalidDataException">Wrong version, a partial entry or an unknown tag.</exception>
    public static IReadOnlyList<PosixAclEntry> Decode(ReadOnlySpan<byte> value)
    {
        if (value.Length < 4 || (value.Length - 4) % 8 != 0)
            throw new InvalidDataException($"POSIX ACL of {value.Length} bytes is not a header plus whole entries");
        var version = BinaryPrimitives.ReadUInt32LittleEndian(value);
        if (version != 2) throw new InvalidDataException($"POSIX ACL version {version}, expected 2");
        var entries = new List<PosixAclEntry>((value.Length - 4) / 8);
        for (var offset = 4; offset < value.Length; offset += 8)
        {
            var tag = BinaryPrimitives.ReadUInt16LittleEndian(value[offset..]);
            if (!Enum.IsDefined((PosixAclTag)tag)) throw new InvalidDataException($"POSIX ACL offset {offset}: unknown tag 0x{tag:x}");
            entries.Add(new PosixAclEntry((PosixAclTag)tag, BinaryPrimitives.ReadUInt16LittleEndian(value[(offset + 2)..]) & 7,
                BinaryPrimitives.ReadUInt32LittleEndian(value[(offset + 4)..])));
        }
        return entries;
    }
}
