using System.Security.Cryptography;
using System.Text.Json;
using WeightGuard.Cli.Tests;
using WeightGuard.Testing;

namespace WeightGuard.Evidence.Tests.Gpu;

/// <summary>The real <c>weightguard inspect gpu-report</c> process: JSON on stdout, exit 0 only when verified.</summary>
public class InspectGpuReportCommandTests
{
    private static readonly string Samples = Path.Combine(RepoPaths.Fixtures, "gpu", "nvidia");
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("weightguard-gpu-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string Write(string name, string text) => Write(name, System.Text.Encoding.UTF8.GetBytes(text));

    [Test]
    public void NvidiasSamplePrintsItsMeasurementsVersionsAndAVerifiedSignatureButNoVerdictWithoutReferences()
    {
        var (exit, stdout, stderr) = WeightGuardProcess.Run("inspect", "gpu-report", Path.Combine(Samples, "hopperAttestationReport.txt"),
            "--certs", Path.Combine(Samples, "hopperCertChain.txt"), "--nonce", "931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb");

        Assert.That(exit, Is.EqualTo(1), stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("nonce").GetString(), Is.EqualTo("931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb"));
            Assert.That(root.GetProperty("measurements").GetArrayLength(), Is.EqualTo(64));
            Assert.That(root.GetProperty("measurements")[3].GetProperty("index").GetInt32(), Is.EqualTo(4));
            Assert.That(root.GetProperty("measurements")[3].GetProperty("digest").GetString(), Does.StartWith("73bbf35822549e28"));
            Assert.That(root.GetProperty("opaque").GetProperty("driverVersion").GetString(), Is.EqualTo("550.90.07"));
            Assert.That(root.GetProperty("opaque").GetProperty("vbiosVersion").GetString(), Is.EqualTo("96.00.9F.00.01"));
            Assert.That(root.GetProperty("signatureValid").GetBoolean(), Is.True);
            Assert.That(root.GetProperty("chainValid").GetBoolean(), Is.True);
            Assert.That(root.GetProperty("verdict").GetString(), Is.EqualTo("no-reference-values"));
        });
    }

    [Test]
    public void ATestGpusReportWithItsRootAndReferencesExitsZero()
    {
        using var gpu = new TestGpu();
        var nonce = RandomNumberGenerator.GetBytes(32);
        var (exit, stdout, stderr) = WeightGuardProcess.Run("inspect", "gpu-report", Write("report.bin", gpu.Report(nonce)),
            "--certs", Write("chain.pem", gpu.ChainPem), "--root", Write("root.pem", gpu.Root.ExportCertificatePem()),
            "--nonce", Convert.ToHexString(nonce), "--rim", Write("driver.xml", TestGpu.Rim(TestGpu.Driver, TestGpu.Measurements)));

        Assert.That(exit, Is.Zero, stdout + stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.That(json.RootElement.GetProperty("verdict").GetString(), Is.EqualTo("verified"));
        Assert.That(json.RootElement.GetProperty("measurementsChecked").GetInt32(), Is.EqualTo(8));
        Assert.That(json.RootElement.GetProperty("referenceSignaturesChecked").GetBoolean(), Is.False);
    }

    [Test]
    public void ARevokedLeafExitsOneNamingIt()
    {
        using var gpu = new TestGpu();
        var nonce = RandomNumberGenerator.GetBytes(32);
        var (exit, stdout, _) = WeightGuardProcess.Run("inspect", "gpu-report", Write("report.bin", gpu.Report(nonce)),
            "--certs", Write("chain.pem", gpu.ChainPem), "--root", Write("root.pem", gpu.Root.ExportCertificatePem()),
            "--crl", Write("leaf.crl", gpu.CrlRevokingLeaf()));

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(JsonDocument.Parse(stdout).RootElement.GetProperty("verdict").GetString(), Is.EqualTo("revoked-cert"));
    }

    [TestCase("truncated")]
    [TestCase("oversized")]
    [TestCase("not-hex")]
    [TestCase("bad-nonce")]
    public void BadInputIsOneLineAndExitTwo(string kind)
    {
        var sample = File.ReadAllText(Path.Combine(Samples, "hopperAttestationReport.txt")).Trim();
        var report = kind switch
        {
            "truncated" => Write("r.txt", sample[..200]),
            "oversized" => Write("r.bin", new byte[200 * 1024]),
            "not-hex" => Write("r.txt", "zz" + sample),
            _ => Path.Combine(Samples, "hopperAttestationReport.txt"),
        };
        var (exit, stdout, stderr) = WeightGuardProcess.Run("inspect", "gpu-report", report, "--certs", Path.Combine(Samples, "hopperCertChain.txt"),
            "--nonce", kind == "bad-nonce" ? "abcd" : new string('0', 64));

        Assert.That(exit, Is.EqualTo(2), stdout + stderr);
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr.Trim().Split('\n'), Has.Length.EqualTo(1), stderr);
        Assert.That(stderr, Does.Not.Contain("   at "), "no stack trace");
    }
}
