using System.Text.Json;
using System.Text.Json.Nodes;
using WeightGuard.Testing;

namespace WeightGuard.Cli.Tests;

public class ScanHashTests
{
    private string _root = null!;

    [SetUp]
    public void BuildTree()
    {
        _root = Directory.CreateTempSubdirectory("wg-hash-").FullName;
        Directory.CreateDirectory(Path.Combine(_root, "etc"));
        File.WriteAllText(Path.Combine(_root, "etc/passwd"), "root:x:0:0::/root:/bin/bash\n");
        File.WriteAllText(Path.Combine(_root, "etc/group"), "root:x:0:\n");
        Directory.CreateDirectory(Path.Combine(_root, "models/sub"));
        var weights = new byte[3 << 20];
        new Random(7).NextBytes(weights);
        "GGUF"u8.CopyTo(weights);
        File.WriteAllBytes(Path.Combine(_root, "models/big.gguf"), weights);
        File.WriteAllBytes(Path.Combine(_root, "models/sub/small.gguf"), [.. "GGUF"u8, 3, 0, 0, 0]);
    }

    [TearDown]
    public void Clean() => Directory.Delete(_root, true);

    private (JsonNode Report, string Stderr) Scan(params string[] extra)
    {
        var output = Path.Combine(_root, "report.json");
        var (code, _, err) = WeightGuardProcess.Run(["scan", "--root", _root, "--weights", "/models", "--format", "json", "--output", output, .. extra]);
        Assert.That(code, Is.EqualTo(1), err);
        return (JsonNode.Parse(File.ReadAllText(output))!, err);
    }

    private static Dictionary<string, string?> Digests(JsonNode report) =>
        report["evidence"]!["weights"]!["files"]!.AsArray().ToDictionary(f => f!["path"]!.GetValue<string>(), f => f!["sha256"]?.GetValue<string>());

    private string Sha256Sum(string hostPath)
    {
        var (code, stdout, err) = ExternalTool.Run(ExternalTool.Require("sha256sum"), [Path.Join(_root, hostPath)]);
        Assert.That(code, Is.Zero, err);
        return stdout.Split(' ')[0];
    }

    [Test]
    public void ScanWithHashRecordsTheSha256OfEveryWeightFileAndReusesTheCache()
    {
        var cache = Path.Combine(_root, "digests");
        var expected = new Dictionary<string, string?> { ["/models/big.gguf"] = Sha256Sum("/models/big.gguf"), ["/models/sub/small.gguf"] = Sha256Sum("/models/sub/small.gguf") };
        var (first, _) = Scan("--hash", "--digest-cache", cache, "--gpu-busy-percent", "100");
        Assert.That(Digests(first), Is.EqualTo(expected));
        Assert.That(ScanCommandTests.Schema.Evaluate(JsonSerializer.SerializeToElement(first)).IsValid, Is.True);
        Assert.That(File.Exists(cache), Is.True);

        var (second, _) = Scan("--hash", "--digest-cache", cache, "--gpu-busy-percent", "100");
        Assert.That(Digests(second), Is.EqualTo(expected));

        File.WriteAllText(cache, "not a cache");
        File.SetUnixFileMode(cache, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var (third, err) = Scan("--hash", "--digest-cache", cache, "--gpu-busy-percent", "100");
        Assert.That(Digests(third), Is.EqualTo(expected));
        Assert.That(err, Does.Contain("warning: digest cache " + cache + " discarded"));
    }

    [Test]
    public void WithoutHashNoDigestIsRecorded() =>
        Assert.That(Digests(Scan().Report).Values, Is.All.Null);

    [TestCase("--digest-cache", "x", "--digest-cache needs --hash")]
    [TestCase("--hash", "--gpu-busy-percent", "101", "--gpu-busy-percent must be between 0 and 100")]
    public void BadHashingOptionsAreUsageErrors(params string[] args)
    {
        var (code, _, err) = WeightGuardProcess.Run(["scan", "--root", _root, "--weights", "/models", .. args[..^1]]);
        Assert.That(code, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain(args[^1]));
    }
}
