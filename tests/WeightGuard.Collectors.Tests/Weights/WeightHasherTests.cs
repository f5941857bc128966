using WeightGuard.Collectors.Weights.Hashing;
using WeightGuard.Testing;

namespace WeightGuard.Collectors.Tests.Weights;

public class WeightHasherTests
{
    private HostTree _tree = null!;

    [SetUp]
    public void CreateTree() => _tree = new HostTree();

    [TearDown]
    public void RemoveTree() => _tree.Dispose();

    private static HashRun Hash(DigestCache cache, params string[] locals) =>
        new WeightHasher(cache, new GpuBusyGate(null, 80), parallelism: 4).Hash(locals.Select(l => new HashTarget("/h" + l, l, 0)).ToList());

    private static string Sha256Sum(string path)
    {
        var (code, stdout, err) = ExternalTool.Run(ExternalTool.Require("sha256sum"), [path]);
        Assert.That(code, Is.Zero, err);
        return stdout.Split(' ')[0];
    }

    private string WriteRandom(string hostPath, int bytes)
    {
        var content = new byte[bytes];
        new Random(bytes).NextBytes(content);
        _tree.Write(hostPath, content);
        return _tree.Local(hostPath);
    }

    [Test]
    public void DigestsEqualSha256sum()
    {
        var files = new[] { WriteRandom("/m/small.bin", 100), WriteRandom("/m/empty.bin", 0), WriteRandom("/m/large.bin", 5 * FileDigester.BufferBytes + 12345) };
        var run = Hash(DigestCache.Empty, files);
        Assert.That(run.Errors, Is.Empty);
        Assert.That(files.Select(f => run.Digests["/h" + f]), Is.EqualTo(files.Select(Sha256Sum)));
        Assert.That((run.FilesRead, run.FromCache, run.BytesRead), Is.EqualTo((3, 0, 100L + 5 * FileDigester.BufferBytes + 12345)));
    }

    [Test]
    public void AFileLeftAloneIsTakenFromTheCacheWithoutReadingIt()
    {
        var file = WriteRandom("/m/w.bin", 4096);
        var cache = DigestCache.Empty;
        Hash(cache, file);
        var reloaded = new DigestCache(DigestCacheFile.Decode(DigestCacheFile.Encode(cache.ToSave())));
        var again = Hash(reloaded, file);
        Assert.That((again.FilesRead, again.FromCache, again.Digests["/h" + file]), Is.EqualTo((0, 1, Sha256Sum(file))));
        Assert.That((cache.Changed, reloaded.Changed), Is.EqualTo((true, false)), "a cache that only served hits need not be written again");
    }

    [Test]
    public void ACachedDigestIsReportedAsCachedNotRecomputed()
    {
        // The cache says something the file does not hold: only a scan that does not read the file reports it.
        var file = WriteRandom("/m/w.bin", 4096);
        var key = DigestCacheKey.From(Native.FileStatus.Stat(file));
        var run = Hash(new DigestCache([new DigestCacheEntry(file, key, new byte[32])]), file);
        Assert.That((run.FilesRead, run.Digests["/h" + file]), Is.EqualTo((0, new string('0', 64))));
    }

    [Test]
    public void ContentChangedWithSizeAndMtimeRestoredIsReadAgain()
    {
        var file = WriteRandom("/m/w.bin", 4096);
        var cache = DigestCache.Empty;
        var first = Hash(cache, file);
        var before = Native.FileStatus.Stat(file);
        var tampered = File.ReadAllBytes(file);
        tampered[100] ^= 0xff;
        File.WriteAllBytes(file, tampered);
        var (code, _, err) = ExternalTool.Run(ExternalTool.Require("touch"), ["-d", $"@{before.ModifiedSeconds}.{before.ModifiedNanoseconds:D9}", file]);
        Assert.That(code, Is.Zero, err);
        var after = Native.FileStatus.Stat(file);
        Assert.That((after.Size, after.ModifiedSeconds, after.ModifiedNanoseconds, after.Inode), Is.EqualTo((before.Size, before.ModifiedSeconds, before.ModifiedNanoseconds, before.Inode)),
            "size, mtime and inode are as before");

        var second = Hash(cache, file);
        Assert.That((second.FilesRead, second.FromCache), Is.EqualTo((1, 0)));
        Assert.That(second.Digests["/h" + file], Is.EqualTo(Sha256Sum(file)).And.Not.EqualTo(first.Digests["/h" + file]));
    }

    [Test]
    public void AFileThatDisappearedIsAnErrorAndTheRestIsHashed()
    {
        var kept = WriteRandom("/m/kept.bin", 10);
        var gone = WriteRandom("/m/gone.bin", 10);
        File.Delete(gone);
        var run = Hash(DigestCache.Empty, kept, gone);
        Assert.That(run.Digests.Keys, Is.EqualTo(new[] { "/h" + kept }));
        Assert.That(run.Errors.Single(), Is.EqualTo(new Core.Evidence.PathError("/h" + gone, "disappeared before it could be hashed")));
    }

    [Test]
    public void FifosAndDeviceNodesAreNeverOpened()
    {
        var fifo = _tree.Local("/m/pipe.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(fifo)!);
        var (code, _, err) = ExternalTool.Run("mkfifo", [fifo]);
        Assert.That(code, Is.Zero, err);
        var run = Hash(DigestCache.Empty, fifo, "/dev/zero");
        Assert.That(run.Digests, Is.Empty);
        Assert.That(run.Errors.Select(e => e.Reason), Is.All.EqualTo("not hashed: not a regular file; not opened"));
        Assert.That(run.Errors, Has.Count.EqualTo(2));
    }

    [Test]
    public void TheSavedCacheDropsFilesThatNoLongerExistAndKeepsUnchangedOnesOutsideTheScan()
    {
        var a = WriteRandom("/m/a.bin", 10);
        var b = WriteRandom("/m/b.bin", 20);
        var elsewhere = WriteRandom("/other/c.bin", 30);
        var cache = DigestCache.Empty;
        Hash(cache, a, b, elsewhere);
        File.Delete(b);
        var next = new DigestCache(cache.ToSave().ToList());
        Hash(next, a);
        Assert.That(next.ToSave().Select(e => e.Path).Order(), Is.EqualTo(new[] { a, elsewhere }));
    }

    [Test]
    public void TheWalkThenHashingPutsADigestOnEveryWeightFileThroughLinks()
    {
        _tree.Write("/models/blobs/abc", HostTree.Safetensors());
        _tree.Link("/models/snapshots/main/model.safetensors", "../../blobs/abc");
        _tree.Write("/models/b.gguf", HostTree.Gguf());
        var cachePath = Path.Combine(_tree.Root, "digests");
        var walk = new Collectors.Weights.WeightInventoryCollector(_tree.HostRoot).Collect(["/models"]);
        var options = new WeightHashingOptions(Enabled: true, CachePath: cachePath);
        var hashed = WeightHashing.Run(walk, options, gpus: null);
        Assert.That(hashed.Inventory.Files.Select(f => (f.Path, f.Sha256)), Is.EqualTo(new[]
        {
            ("/models/b.gguf", Sha256Sum(_tree.Local("/models/b.gguf"))),
            ("/models/snapshots/main/model.safetensors", Sha256Sum(_tree.Local("/models/blobs/abc"))),
        }));
        Assert.That(File.GetUnixFileMode(cachePath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        var again = WeightHashing.Run(walk, options, gpus: null);
        Assert.That((again.Run.FilesRead, again.Run.FromCache), Is.EqualTo((0, 2)));
        Assert.That(again.Inventory.Files, Is.EqualTo(hashed.Inventory.Files));
    }
}
