using System.Text.Json;
using System.Text.Json.Nodes;
using WeightGuard.Testing;

namespace WeightGuard.Cli.Tests;

/// <summary>
/// <c>weightguard manifest create|verify</c> and <c>scan --manifest</c> through the real binary: a manifest made here
/// verifies against its signer and no other, and hostile manifest files (truncated, oversized, not CMS, a FIFO) end as
/// one line and exit 2 within the hostile-input bounds.
/// </summary>
[NonParallelizable]
public class ManifestCommandTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("wg-manifest-cli-").FullName;
        Directory.CreateDirectory(At("models/llama"));
        File.WriteAllBytes(At("models/llama/a.gguf"), [.. "GGUF"u8, 3, 0, 0, 0, 1, 2, 3]);
        File.WriteAllBytes(At("models/llama/b.gguf"), [.. "GGUF"u8, 3, 0, 0, 0, 4, 5, 6]);
        File.WriteAllText(At("models/llama/README.md"), "not weights");
        Directory.CreateDirectory(At("etc"));
        File.WriteAllText(At("etc/passwd"), "root:x:0:0::/root:/bin/bash\n");
        File.WriteAllText(At("etc/group"), "root:x:0:\n");
        foreach (var name in new[] { "signer", "other" })
        {
            var (code, _, err) = ExternalTool.Run(ExternalTool.Require("openssl"), ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", At($"{name}.key"), "-out", At($"{name}.pem"), "-days", "3650", "-subj", $"/CN=WeightGuard {name}"]);
            Assert.That(code, Is.Zero, err);
        }
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string At(string relative) => Path.Combine(_dir, relative);

    private string Create()
    {
        var (code, stdout, stderr) = WeightGuardProcess.Run("manifest", "create", At("models"), "--sign", At("signer.key"), "--cert", At("signer.pem"), "--out", At("models.wgm"));
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("2 weight file(s) in 1 directory(ies), signed by CN=WeightGuard signer"));
        return At("models.wgm");
    }

    [Test]
    public void ACreatedManifestVerifiesAgainstItsSignerOnlyAndListsEveryWeightFile()
    {
        var manifest = Create();
        var (code, stdout, stderr) = WeightGuardProcess.Run("manifest", "verify", manifest, "--trust", At("signer.pem"));
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain($"Directory  {At("models")}: 2 weight file(s), 22 bytes").And.Contain("VERIFIED"));

        (code, stdout, _) = WeightGuardProcess.Run("manifest", "verify", manifest, "--trust", At("other.pem"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stdout, Does.Contain("NOT TRUSTED signer CN=WeightGuard signer is not a trusted manifest signer"));

        // openssl agrees: the file is a CMS SignedData enveloping the JSON, with relative paths, sizes and sha256sum's digests
        var (ok, json, err) = ExternalTool.Run(ExternalTool.Require("openssl"), ["cms", "-verify", "-binary", "-inform", "DER", "-in", manifest, "-CAfile", At("signer.pem"), "-purpose", "any"]);
        Assert.That(ok, Is.Zero, err);
        var files = JsonNode.Parse(json)!["directories"]![0]!["files"]!.AsArray();
        var (_, sum, _) = ExternalTool.Run(ExternalTool.Require("sha256sum"), [At("models/llama/a.gguf")]);
        Assert.That(files.Select(f => (f!["path"]!.GetValue<string>(), f["size"]!.GetValue<long>())), Is.EqualTo(new[] { ("llama/a.gguf", 11L), ("llama/b.gguf", 11L) }));
        Assert.That(files[0]!["sha256"]!.GetValue<string>(), Is.EqualTo(sum.Split(' ')[0]));
    }

    [Test]
    public void ScanWithAManifestNamesChangedMissingAndUnlistedFiles()
    {
        var manifest = Create();
        // the manifest lists <tmp>/models/llama/*; the tree scanned holds /models/llama/*: nothing listed is there, nothing there is listed
        var output = At("report.json");
        var (code, _, stderr) = WeightGuardProcess.Run("scan", "--root", _dir, "--weights", "/models", "--profile", "ncsc-secure-ai", "--format", "json", "--output", output,
            "--manifest", manifest, "--manifest-trust", At("signer.pem"));
        Assert.That(code, Is.EqualTo(1), stderr);
        var report = JsonNode.Parse(File.ReadAllText(output))!;
        var result = report["results"]!.AsArray().Single(r => r!["controlId"]!.GetValue<string>() == "WG-INT-001")!;
        Assert.That(result["status"]!.GetValue<string>(), Is.EqualTo("fail"));
        Assert.That(result["message"]!.GetValue<string>(), Does.Contain($"2 listed but missing: {At("models/llama/a.gguf")}").And.Contain("2 in no signed manifest: /models/llama/a.gguf"));
        Assert.That(report["evidence"]!["weightIntegrity"]!["manifests"]![0]!["signer"]!.GetValue<string>(), Is.EqualTo("CN=WeightGuard signer"));
        Assert.That(ScanCommandTests.Schema.Evaluate(JsonSerializer.SerializeToElement(report)).IsValid, Is.True);

        // signed by someone the scan does not trust: an error, not a pass and not a fail
        (code, _, stderr) = WeightGuardProcess.Run("scan", "--root", _dir, "--weights", "/models", "--profile", "ncsc-secure-ai", "--format", "json", "--output", output,
            "--manifest", manifest, "--manifest-trust", At("other.pem"));
        Assert.That(code, Is.EqualTo(1), stderr);
        result = JsonNode.Parse(File.ReadAllText(output))!["results"]!.AsArray().Single(r => r!["controlId"]!.GetValue<string>() == "WG-INT-001")!;
        Assert.That(result["status"]!.GetValue<string>(), Is.EqualTo("error"));
        Assert.That(result["message"]!.GetValue<string>(), Does.Contain("is not trusted"));
    }

    private static readonly string[] Hostile = ["truncated", "empty", "garbage", "oversized", "fifo", "directory", "absent"];

    private string HostileManifest(string kind, string good)
    {
        var path = At($"hostile-{kind}.wgm");
        switch (kind)
        {
            case "truncated": File.WriteAllBytes(path, File.ReadAllBytes(good)[..200]); break;
            case "empty": File.WriteAllBytes(path, []); break;
            case "garbage": File.WriteAllBytes(path, [0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, .. new byte[1000]]); break;
            case "oversized":
                using (var f = File.Create(path)) f.SetLength((64L << 20) + 1);
                break;
            case "fifo": Assert.That(ExternalTool.Run("mkfifo", [path]).ExitCode, Is.Zero); break;
            case "directory": Directory.CreateDirectory(path); break;
        }
        return path;
    }

    [TestCaseSource(nameof(Hostile))]
    public void AHostileManifestIsOneLineAndExit2(string kind)
    {
        var manifest = HostileManifest(kind, Create());
        foreach (var args in new[]
                 {
                     new[] { "manifest", "verify", manifest, "--trust", At("signer.pem") },
                     ["scan", "--root", _dir, "--weights", "/models", "--manifest", manifest, "--manifest-trust", At("signer.pem")],
                 })
        {
            var (code, stdout, stderr) = WeightGuardProcess.RunBounded(args);
            Assert.That(code, Is.EqualTo(2), $"{args[0]} on {kind}: {stdout}{stderr}");
            Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1), stderr);
            Assert.That(stderr, Does.Contain($"hostile-{kind}.wgm").And.Not.Contain("   at "));
        }
    }

    [Test]
    public void UnusableKeysCertificatesAndOptionsAreOneLineAndExit2()
    {
        var cases = new[]
        {
            (new[] { "manifest", "create", At("models"), "--sign", At("other.key"), "--cert", At("signer.pem"), "--out", At("x.wgm") }, "no unencrypted PEM private key matching"),
            (["manifest", "create", At("models"), "--sign", At("signer.key"), "--out", At("x.wgm")], "holds no certificate"),
            (["manifest", "create", At("models"), At("models/llama"), "--sign", At("signer.key"), "--cert", At("signer.pem"), "--out", At("x.wgm")], "lies inside"),
            (["manifest", "create", At("nowhere"), "--sign", At("signer.key"), "--cert", At("signer.pem"), "--out", At("x.wgm")], "nowhere"),
            (["manifest", "verify", At("signer.pem"), "--trust", At("models/llama/README.md")], "not a readable PEM or DER certificate"),
            (["scan", "--root", _dir, "--weights", "/models", "--manifest", At("signer.pem")], "--manifest needs --manifest-trust"),
        };
        foreach (var (args, why) in cases)
        {
            var (code, stdout, stderr) = WeightGuardProcess.RunBounded(args);
            Assert.That(code, Is.EqualTo(2), $"{string.Join(' ', args)}: {stdout}{stderr}");
            Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1), stderr);
            Assert.That(stderr, Does.Contain(why));
        }
        Assert.That(File.Exists(At("x.wgm")), Is.False);
    }
}
