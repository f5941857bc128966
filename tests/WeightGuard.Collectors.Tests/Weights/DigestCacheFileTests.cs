using System.Buffers.Binary;
using System.Security.Cryptography;
using WeightGuard.Collectors.Weights.Hashing;
using WeightGuard.Testing;

namespace WeightGuard.Collectors.Tests.Weights;

public class DigestCacheFileTests
{
    private static readonly DigestCacheEntry[] Entries =
    [
        new("/models/a.safetensors", new DigestCacheKey(0x0000_0103_0000_0002, 42, 1 << 30, 1_700_000_000, 123_456_789, 1_700_000_001, 5), Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()),
        new("/models/é.gguf", new DigestCacheKey(7, 43, 0, 1, 0, 2, 999_999_999), new byte[32]),
    ];

    private HostTree _tree = null!;

    [SetUp]
    public void CreateTree() => _tree = new HostTree();

    [TearDown]
    public void RemoveTree() => _tree.Dispose();

    /// <summary>Changes a valid file and recomputes its checksum, so the decoder's other checks are reached.</summary>
    private static byte[] Resealed(Action<byte[]> change)
    {
        var bytes = DigestCacheFile.Encode(Entries);
        change(bytes);
        SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)).CopyTo(bytes, bytes.Length - 32);
        return bytes;
    }

    private static byte[] Sealed(byte[] body) => [.. body, .. SHA256.HashData(body)];

    [Test]
    public void WhatIsWrittenIsReadBack()
    {
        var decoded = DigestCacheFile.Decode(DigestCacheFile.Encode(Entries));
        Assert.That(decoded.Select(e => (e.Path, e.Key, Convert.ToHexString(e.Sha256))), Is.EqualTo(Entries.Select(e => (e.Path, e.Key, Convert.ToHexString(e.Sha256)))));
    }

    [Test]
    public void EveryTruncationIsRefused()
    {
        var bytes = DigestCacheFile.Encode(Entries);
        for (var length = 0; length < bytes.Length; length++)
            Assert.That(() => DigestCacheFile.Decode(bytes.AsSpan(0, length)), Throws.TypeOf<InvalidDataException>(), $"cut at {length}");
    }

    [Test]
    public void AnyFlippedByteIsRefused()
    {
        var bytes = DigestCacheFile.Encode(Entries);
        for (var i = 0; i < bytes.Length; i++)
        {
            var copy = (byte[])bytes.Clone();
            copy[i] ^= 0x01;
            Assert.That(() => DigestCacheFile.Decode(copy), Throws.TypeOf<InvalidDataException>(), $"byte {i}");
        }
    }

    [TestCase(8, 2u, "format version 2, expected 1")]
    [TestCase(12, 0xffff_ffffu, "more than 1000000")]
    [TestCase(12, 900_000u, "do not fit")]
    [TestCase(12, 1u, "bytes after the last entry")]
    [TestCase(16 + 80, 0xffffu, "path length 65535 is out of bounds")]
    public void HeaderAndLengthFieldsAreChecked(int offset, uint value, string message)
    {
        var bytes = Resealed(b =>
        {
            if (offset == 16 + 80) BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(offset), (ushort)value);
            else BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(offset), value);
        });
        Assert.That(() => DigestCacheFile.Decode(bytes), Throws.TypeOf<InvalidDataException>().With.Message.Contain(message));
    }

    [Test]
    public void HostileEntriesAreRefused()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => DigestCacheFile.Decode(Resealed(b => b[16 + 82] = (byte)'m')), Throws.TypeOf<InvalidDataException>().With.Message.Contain("not an absolute path"));
            Assert.That(() => DigestCacheFile.Decode(Resealed(b => b[16 + 83] = 0xff)), Throws.TypeOf<InvalidDataException>().With.Message.Contain("not UTF-8"));
            Assert.That(() => DigestCacheFile.Decode(Resealed(b => BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(16 + 16), -1))), Throws.TypeOf<InvalidDataException>().With.Message.Contain("negative size"));
            Assert.That(() => DigestCacheFile.Decode(Resealed(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(16 + 32), 1_000_000_000))), Throws.TypeOf<InvalidDataException>().With.Message.Contain("nanoseconds"));
            var twice = DigestCacheFile.Encode([Entries[0], Entries[0] with { Path = "/other" }]);
            Assert.That(() => DigestCacheFile.Decode(twice), Throws.TypeOf<InvalidDataException>().With.Message.Contain("repeats device"));
            Assert.That(() => DigestCacheFile.Decode(Sealed(new byte[64])), Throws.TypeOf<InvalidDataException>().With.Message.Contain("not a WeightGuard digest cache"));
        });
    }

    [Test]
    public void SavedCacheIsOwnerOnlyAndLoadsBack()
    {
        var path = Path.Combine(_tree.Root, "cache");
        DigestCacheFile.Save(path, Entries);
        DigestCacheFile.Save(path, Entries);
        Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(Directory.GetFiles(_tree.Root), Is.EqualTo(new[] { path }), "no temporary file is left behind");
        Assert.That(DigestCacheFile.Load(path, out var warning).Select(e => e.Path), Is.EqualTo(Entries.Select(e => e.Path)));
        Assert.That(warning, Is.Null);
    }

    [Test]
    public void AMissingCacheIsEmptyWithoutAWarning()
    {
        Assert.That(DigestCacheFile.Load(Path.Combine(_tree.Root, "none"), out var warning), Is.Empty);
        Assert.That(warning, Is.Null);
    }

    [Test]
    public void ACorruptCacheIsDiscardedWithAWarning()
    {
        var path = Path.Combine(_tree.Root, "cache");
        DigestCacheFile.Save(path, Entries);
        using (var stream = new FileStream(path, FileMode.Open)) stream.SetLength(stream.Length - 1);
        Assert.That(DigestCacheFile.Load(path, out var warning), Is.Empty);
        Assert.That(warning, Does.Contain("discarded").And.Contain("checksum"));
    }

    [Test]
    public void AnOversizedCacheIsDiscardedUnread()
    {
        var path = Path.Combine(_tree.Root, "cache");
        using (var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = (UnixFileMode)0b110_000_000 }))
            stream.SetLength(DigestCacheFile.MaxBytes + 1); // sparse: nothing is written
        Assert.That(DigestCacheFile.Load(path, out var warning), Is.Empty);
        Assert.That(warning, Does.Contain($"more than {DigestCacheFile.MaxBytes}"));
    }

    [Test]
    public void ACacheOthersMayWriteIsNotTrusted()
    {
        var path = Path.Combine(_tree.Root, "cache");
        DigestCacheFile.Save(path, Entries);
        File.SetUnixFileMode(path, (UnixFileMode)0b110_110_000);
        Assert.That(DigestCacheFile.Load(path, out var warning), Is.Empty);
        Assert.That(warning, Does.Contain("mode 0660 lets others write it"));
    }

    [Test]
    public void ACacheOwnedBySomeoneElseIsNotTrusted()
    {
        HostTree.RequireRoot();
        var path = Path.Combine(_tree.Root, "cache");
        DigestCacheFile.Save(path, Entries);
        var (code, _, err) = ExternalTool.Run("chown", ["1234", path]);
        Assert.That(code, Is.Zero, err);
        Assert.That(DigestCacheFile.Load(path, out var warning), Is.Empty);
        Assert.That(warning, Does.Contain("owned by uid 1234"));
    }

    [Test]
    public void AFifoInPlaceOfTheCacheIsNeverOpened()
    {
        var path = Path.Combine(_tree.Root, "cache");
        var (code, _, err) = ExternalTool.Run("mkfifo", [path]);
        Assert.That(code, Is.Zero, err);
        Assert.That(DigestCacheFile.Load(path, out var warning), Is.Empty);
        Assert.That(warning, Does.Contain("not a regular file"));
    }
}
