using System.IO.Compression;

namespace WeightGuard.Evidence.Tests;

/// <summary>Hostile archives: bombs, traversal names, duplicates and floods are refused before anything is inflated or written.</summary>
public class ArchiveLimitsTests
{
    private static byte[] Zip(params (string Name, byte[] Bytes)[] entries)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, bytes) in entries)
            {
                using var s = zip.CreateEntry(name, CompressionLevel.SmallestSize).Open();
                s.Write(bytes);
            }
        return output.ToArray();
    }

    private static IReadOnlyList<BundleProblem> Problems(byte[] zip, BundleLimits? limits = null)
    {
        using var archive = BundleArchive.Open(new MemoryStream(zip), limits ?? BundleLimits.Default);
        return archive.Problems;
    }

    /// <summary>The readable entries' paths and the problems found on opening.</summary>
    private static (IReadOnlyList<string> Entries, IReadOnlyList<BundleProblem> Problems) Open(byte[] zip, BundleLimits? limits = null)
    {
        using var archive = BundleArchive.Open(new MemoryStream(zip), limits ?? BundleLimits.Default);
        return (archive.Paths.ToList(), archive.Problems);
    }

    [Test]
    public void AZipBombIsRefusedByItsCompressionRatioWithoutInflating()
    {
        var bomb = Zip(("findings.csv", new byte[16 * 1024 * 1024]));
        Assert.That(bomb, Has.Length.LessThan(100_000));
        var (entries, problems) = Open(bomb);

        Assert.That(entries, Is.Empty);
        Assert.That(problems.Single().File, Is.EqualTo("findings.csv"));
        Assert.That(problems.Single().Defect, Does.Match("^compression ratio [0-9]+:1 exceeds the limit of 200:1 \\(a zip bomb\\?\\)$"));
    }

    [Test]
    public void AnEntryLargerThanThePerEntryLimitIsRefused()
    {
        var problems = Problems(Zip(("hosts/a/host.json", new byte[2048])), new BundleLimits { MaxEntryBytes = 1024 });
        Assert.That(problems, Is.EqualTo(new[] { new BundleProblem("hosts/a/host.json", "2048 bytes uncompressed exceed the limit of 1024 per entry") }));
    }

    [Test]
    public void TheTotalUncompressedSizeIsBounded()
    {
        var problems = Problems(Zip(("a.json", new byte[600]), ("b.json", new byte[600])), new BundleLimits { MaxTotalBytes = 1000 });
        Assert.That(problems, Is.EqualTo(new[] { new BundleProblem("bundle", "declares 1200 bytes uncompressed, more than the limit of 1000") }));
    }

    [Test]
    public void TooManyEntriesAreRefusedBeforeAnyIsRead()
    {
        var zip = Zip(Enumerable.Range(0, 11).Select(i => ($"f{i}.json", new byte[1])).ToArray());
        var (entries, problems) = Open(zip, new BundleLimits { MaxEntries = 10 });
        Assert.That(entries, Is.Empty);
        Assert.That(problems, Is.EqualTo(new[] { new BundleProblem("bundle", "11 entries exceed the limit of 10") }));
    }

    [Test]
    public void AForgedEntryCountIsRefusedFromTheEndRecordBeforeTheDirectoryIsRead()
    {
        var zip = Zip(("a.json", new byte[1]));
        var end = zip.AsSpan().LastIndexOf([(byte)0x50, (byte)0x4b, (byte)0x05, (byte)0x06]);
        BitConverter.TryWriteBytes(zip.AsSpan(end + 8, 2), (ushort)65000);   // entries on this disk
        BitConverter.TryWriteBytes(zip.AsSpan(end + 10, 2), (ushort)65000);  // entries in all
        Assert.That(Problems(zip, new BundleLimits { MaxEntries = 1000 }), Is.EqualTo(new[] { new BundleProblem("bundle", "65000 entries exceed the limit of 1000") }));
    }

    [Test]
    public void AZip64EntryCountIsReadToo()
    {
        var zip = Zip(Enumerable.Range(0, 70_000).Select(i => ($"f{i}", Array.Empty<byte>())).ToArray());
        Assert.That(Problems(zip, new BundleLimits { MaxEntries = 100 }), Is.EqualTo(new[] { new BundleProblem("bundle", "70000 entries exceed the limit of 100") }));
    }

    [Test]
    public void AStreamThatCannotSeekIsRefused()
    {
        using var pipe = new System.IO.Pipes.AnonymousPipeServerStream();
        Assert.That(() => BundleArchive.Open(pipe, BundleLimits.Default), Throws.ArgumentException.With.Message.Contains("seekable"));
    }

    [TestCase("../outside.json", "path traversal ('..', '.' or an empty segment) in the entry name")]
    [TestCase("hosts/../../outside.json", "path traversal ('..', '.' or an empty segment) in the entry name")]
    [TestCase("hosts//host.json", "path traversal ('..', '.' or an empty segment) in the entry name")]
    [TestCase("/etc/cron.d/evil", "absolute path in the entry name")]
    [TestCase("C:/Windows/evil.dll", "absolute path in the entry name")]
    [TestCase("hosts\\a\\host.json", "backslash in the entry name (only / separates folders)")]
    [TestCase("hosts/", "directory entries are not part of the layout")]
    public void HostileNamesAreRefusedAndNothingIsWritten(string name, string defect)
    {
        var (entries, problems) = Open(Zip((name, "{}"u8.ToArray())));

        Assert.That(entries, Is.Empty);
        Assert.That(problems, Is.EqualTo(new[] { new BundleProblem(name, defect) }));
        Assert.That(File.Exists(Path.Combine(Path.GetTempPath(), "outside.json")), Is.False);
    }

    [Test]
    public void AControlCharacterInANameIsRefusedAndPrintedSafely()
    {
        var problems = Problems(Zip(("hosts/a\u001b[2J/host.json", "{}"u8.ToArray())));
        Assert.That(problems, Is.EqualTo(new[] { new BundleProblem("hosts/a?[2J/host.json", "control character in the entry name") }));
    }

    [Test]
    public void DuplicateNamesAreRefusedAndNeitherCopyIsTrusted()
    {
        var (entries, problems) = Open(Zip(("manifest.json", "{}"u8.ToArray()), ("manifest.json", "[]"u8.ToArray())));
        Assert.That(entries, Is.Empty);
        Assert.That(problems, Is.EqualTo(new[] { new BundleProblem("manifest.json", "appears twice in the archive") }));
    }

    [Test]
    public void AnEntryThatLiesAboutItsSizeNeverInflatesBeyondWhatItDeclares()
    {
        var zip = Zip(("findings.csv", new byte[5000]));
        // Shrink the declared uncompressed size in the local header and the central directory (both hold it at fixed offsets).
        PatchUncompressedSize(zip, 100);
        using var archive = BundleArchive.Open(new MemoryStream(zip), BundleLimits.Default);
        var bytes = archive.Read("findings.csv");

        if (bytes is not null) Assert.That(bytes, Has.Length.EqualTo(100));
        else Assert.That(archive.EntryProblems.Single().Defect, Does.StartWith("inflates beyond the 100 bytes its header declares").Or.StartWith("cannot be decompressed: "));
    }

    [Test]
    public void EntriesAreReadOneAtATimeAndHashedAsTheyInflate()
    {
        var big = new byte[3 * 1024 * 1024];
        new Random(7).NextBytes(big);
        var zip = Zip(("a.bin", big), ("b.json", "{}"u8.ToArray()));
        using var archive = BundleArchive.Open(new MemoryStream(zip), BundleLimits.Default);

        Assert.That(archive.Paths, Is.EqualTo(new[] { "a.bin", "b.json" }));
        // Two entries open at once (as the findings comparison reads beside the hosts) each read their own bytes.
        using (var a = archive.OpenRead("a.bin")!)
        {
            var head = new byte[10];
            a.ReadExactly(head);
            Assert.That(archive.Read("b.json"), Is.EqualTo("{}"u8.ToArray()));
            Assert.That(head, Is.EqualTo(big[..10]));
        }
        Assert.That(archive.Digest("a.bin"), Is.EqualTo(new EntryDigest(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(big)), big.Length)));
        Assert.That(archive.EntryProblems, Is.Empty);
    }

    /// <summary>Rewrites the uncompressed-size field of the only entry: local header offset 22, central directory header offset 24.</summary>
    private static void PatchUncompressedSize(byte[] zip, uint size)
    {
        var local = IndexOf(zip, [0x50, 0x4b, 0x03, 0x04]);
        var central = IndexOf(zip, [0x50, 0x4b, 0x01, 0x02]);
        BitConverter.TryWriteBytes(zip.AsSpan(local + 22, 4), size);
        BitConverter.TryWriteBytes(zip.AsSpan(central + 24, 4), size);
    }

    private static int IndexOf(byte[] data, byte[] pattern) => data.AsSpan().IndexOf(pattern);
}
