using WeightGuard.Collectors.Weights;

namespace WeightGuard.Collectors.Tests;

public class WeightInventoryBoundsTests
{
    [Test]
    public void HundredThousandFilesAreWalkedCompletely()
    {
        using var tree = new HostTree();
        var dir = tree.Local("/models/shards");
        Directory.CreateDirectory(dir);
        for (var i = 0; i < 100_000; i++) File.WriteAllBytes(Path.Combine(dir, $"f{i:D6}.txt"), []);
        tree.Write("/models/shards/z.safetensors", HostTree.Safetensors(), 0b110_100_000);
        var walk = new WeightInventoryCollector(tree.HostRoot).Collect(["/models"]);
        Assert.That((walk.Inventory.EntriesVisited, walk.Inventory.Files.Count, walk.Inventory.Truncated), Is.EqualTo((100_002L, 1, false)));
    }

    [Test]
    public void EntryLimitTruncatesAndSaysSo()
    {
        using var tree = new HostTree();
        for (var i = 0; i < 50; i++) tree.Write($"/models/m{i:D2}.gguf", HostTree.Gguf(), 0b110_100_000);
        var walk = new WeightInventoryCollector(tree.HostRoot, new WeightWalkOptions(MaxEntries: 10)).Collect(["/models"]);
        Assert.That((walk.Inventory.EntriesVisited, walk.Inventory.Truncated, walk.Inventory.Files.Count), Is.EqualTo((10L, true, 10)));
    }

    [Test]
    public void DeepTreesStopAtTheDepthLimitWithAnError()
    {
        using var tree = new HostTree();
        var path = "/models" + string.Concat(Enumerable.Repeat("/d", 12));
        tree.Write(path + "/deep.gguf", HostTree.Gguf(), 0b110_100_000);
        var walk = new WeightInventoryCollector(tree.HostRoot, new WeightWalkOptions(MaxDepth: 5)).Collect(["/models"]);
        Assert.That(walk.Inventory.Files, Is.Empty);
        Assert.That(walk.Inventory.Errors.Single().Reason, Is.EqualTo("deeper than 5 levels; not walked"));
    }

    [Test]
    public void FifosAndDevicesAreNeverOpened()
    {
        using var tree = new HostTree();
        tree.Dir("/models").Write("/models/ok.gguf", HostTree.Gguf(), 0b110_100_000);
        foreach (var name in new[] { "pipe.safetensors", "pipe.key" })
        {
            var (code, _, err) = WeightGuard.Testing.ExternalTool.Run("mkfifo", [tree.Local("/models/" + name)]);
            Assert.That(code, Is.Zero, err);
        }
        var (mk, _, mkErr) = WeightGuard.Testing.ExternalTool.Run("mkfifo", [tree.Local("/beside.pem")]);
        Assert.That(mk, Is.Zero, mkErr);
        var evidence = EvidenceCollector.Collect(new CollectionOptions(tree.HostRoot, ["/models"]));
        Assert.That(evidence.Weights!.Files.Select(f => f.Path), Is.EqualTo(new[] { "/models/ok.gguf" }));
        Assert.That(evidence.Keys!.Files, Is.Empty);
    }

    [TestCase("model.safetensors", new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, (byte)'{' }, null)]
    [TestCase("model.pt", new byte[] { 0x80, 0x02, 0x7d }, "pytorch-pickle")]
    [TestCase("model.pt", new byte[] { 0x50, 0x4b, 0x03, 0x04 }, "pytorch-zip")]
    [TestCase("model.onnx", new byte[] { 0x08, 0x07, 0x12 }, "onnx")]
    [TestCase("model.h5", new byte[] { 0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a }, "hdf5")]
    [TestCase("arrays.npz", new byte[] { 0x50, 0x4b, 0x03, 0x04 }, "numpy")]
    [TestCase("model.gguf", new byte[] { 0x47, 0x47, 0x55 }, null)]
    [TestCase("README.md", new byte[] { 0x47, 0x47, 0x55, 0x46 }, null)]
    public void FormatsNeedBothNameAndMagic(string name, byte[] head, string? format)
    {
        var detection = WeightFormatDetector.Detect(name, 1 << 20, head);
        Assert.That(detection.Format, Is.EqualTo(format));
        Assert.That(detection.Mismatch is not null, Is.EqualTo(format is null && WeightFormatDetector.IsCandidate(name)));
    }
}
