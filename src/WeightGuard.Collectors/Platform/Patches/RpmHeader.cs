using System.Buffers.Binary;
using System.Text;

namespace WeightGuard.Collectors.Platform.Patches;

/// <summary>An installed package as its RPM header names it.</summary>
/// <param name="Name">NAME.</param>
/// <param name="Evr">EPOCH, VERSION and RELEASE.</param>
/// <param name="Arch">ARCH (empty for packages without one, such as <c>gpg-pubkey</c>).</param>
public sealed record RpmPackage(string Name, RpmEvr Evr, string Arch);

/// <summary>
/// Reads the identifying tags of an RPM header blob (as <c>rpmdb.sqlite</c> stores it, or after the 8-byte header magic
/// of a package file): big-endian index count and data length, 16-byte index entries (tag, type, offset, count), then
/// the data store. Every offset is checked against the store; nothing is read outside the blob.
/// </summary>
public static class RpmHeader
{
    /// <summary>Largest header accepted (rpm itself refuses data stores over 256 MiB; real headers are well under 1 MiB).</summary>
    public const int MaxBytes = 32 << 20;

    /// <summary>Most index entries (rpm's own limit).</summary>
    public const int MaxEntries = 0xFFFF;

    private const int TagName = 1000, TagVersion = 1001, TagRelease = 1002, TagEpoch = 1003, TagArch = 1022;
    private const int TypeInt32 = 4, TypeString = 6, TypeStringArray = 8, TypeI18nString = 9;
    private static readonly byte[] Magic = [0x8E, 0xAD, 0xE8, 0x01];

    /// <summary>Parses one header.</summary>
    /// <param name="blob">The header bytes.</param>
    /// <param name="name">What the blob is, for messages (e.g. <c>rpmdb.sqlite: package 12</c>).</param>
    /// <exception cref="InvalidDataException">Truncated, over the limits, an entry outside the store, or NAME/VERSION/RELEASE missing.</exception>
    public static RpmPackage Parse(ReadOnlySpan<byte> blob, string name)
    {
        if (blob.Length > MaxBytes) throw new InvalidDataException($"{name}: header of {blob.Length} bytes is over the {MaxBytes}-byte limit");
        if (blob.Length >= 8 && blob[..4].SequenceEqual(Magic)) blob = blob[8..];
        if (blob.Length < 8) throw new InvalidDataException($"{name}: offset 0: header truncated ({blob.Length} bytes)");
        var entries = BinaryPrimitives.ReadInt32BigEndian(blob);
        var dataLength = BinaryPrimitives.ReadInt32BigEndian(blob[4..]);
        if (entries is < 1 or > MaxEntries) throw new InvalidDataException($"{name}: offset 0: {entries} index entries (1 to {MaxEntries} allowed)");
        if (dataLength < 0 || dataLength > MaxBytes) throw new InvalidDataException($"{name}: offset 4: data length {dataLength} is out of range");
        var storeStart = 8 + (long)entries * 16;
        if (storeStart + dataLength > blob.Length)
            throw new InvalidDataException($"{name}: offset 8: {entries} entries and {dataLength} data bytes need {storeStart + dataLength} bytes, the header has {blob.Length}");
        var store = blob.Slice((int)storeStart, dataLength);
        string? pkg = null, version = null, release = null, arch = null;
        long epoch = 0;
        for (var i = 0; i < entries; i++)
        {
            var entry = blob.Slice(8 + i * 16, 16);
            var tag = BinaryPrimitives.ReadInt32BigEndian(entry);
            var type = BinaryPrimitives.ReadInt32BigEndian(entry[4..]);
            var offset = BinaryPrimitives.ReadInt32BigEndian(entry[8..]);
            var count = BinaryPrimitives.ReadInt32BigEndian(entry[12..]);
            if (tag is not (TagName or TagVersion or TagRelease or TagEpoch or TagArch)) continue;
            var at = $"{name}: offset {8 + i * 16}: tag {tag}";
            if (offset < 0 || offset >= store.Length) throw new InvalidDataException($"{at}: data offset {offset} is outside the {store.Length}-byte store");
            if (tag == TagEpoch)
            {
                if (type != TypeInt32 || count < 1 || offset % 4 != 0 || offset + 4 > store.Length)
                    throw new InvalidDataException($"{at}: EPOCH is not an int32 inside the store (type {type}, count {count}, offset {offset})");
                epoch = (uint)BinaryPrimitives.ReadInt32BigEndian(store[offset..]);
                continue;
            }
            if (type is not (TypeString or TypeStringArray or TypeI18nString))
                throw new InvalidDataException($"{at}: type {type} is not a string");
            var end = store[offset..].IndexOf((byte)0);
            if (end < 0) throw new InvalidDataException($"{at}: string at offset {offset} is not terminated inside the store");
            var text = Encoding.UTF8.GetString(store.Slice(offset, end));
            switch (tag)
            {
                case TagName: pkg = text; break;
                case TagVersion: version = text; break;
                case TagRelease: release = text; break;
                case TagArch: arch = text; break;
            }
        }
        if (pkg is null || version is null || release is null)
            throw new InvalidDataException($"{name}: the header lacks {string.Join(", ", new[] { pkg is null ? "NAME" : null, version is null ? "VERSION" : null, release is null ? "RELEASE" : null }.OfType<string>())}");
        return new RpmPackage(pkg, new RpmEvr(epoch, version, release), arch ?? "");
    }
}
