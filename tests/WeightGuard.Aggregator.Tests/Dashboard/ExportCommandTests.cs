using System.Security.Cryptography.X509Certificates;
using WeightGuard.Evidence;
using WeightGuard.Testing;

namespace WeightGuard.Aggregator.Tests.Dashboard;

/// <summary>The real <c>weightguard-aggregator export</c> against a seeded aggregator's data directory, bundles verified offline.</summary>
[NonParallelizable]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ExportCommandTests
{
    private DashboardFleet _fleet = null!;
    private string _out = null!;

    [OneTimeSetUp]
    public async Task StartFleet()
    {
        ExternalTool.Require("swtpm");
        _fleet = await DashboardFleet.StartAsync(tpm: true);
    }

    [OneTimeTearDown]
    public async Task StopFleet()
    {
        if (_fleet is not null) await _fleet.DisposeAsync();
    }

    [SetUp]
    public void SetUp() => _out = Directory.CreateTempSubdirectory("weightguard-export-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_out, recursive: true);

    private (int ExitCode, string Stdout, string Stderr) Export(params string[] args) =>
        ExternalTool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "weightguard-aggregator.dll"), "export", "--data", _fleet.Aggregator.Data.Path, .. args]);

    private BundleVerification Verify(string path)
    {
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(_fleet.Aggregator.Data.CaCertificate));
        using var bundle = File.OpenRead(path);
        return EvidenceBundleVerifier.Verify(bundle, ca);
    }

    [Test]
    public void EveryHostIsExportedVerifiedAndEachExportChainsToTheLast()
    {
        var first = Path.Combine(_out, "first.zip");
        var second = Path.Combine(_out, "second.zip");
        var one = Export("--out", first);
        Assert.That(one.ExitCode, Is.EqualTo(0), one.Stderr);
        Assert.That(one.Stdout, Does.Contain("5 host(s), 5 report(s)"));
        var two = Export("--out", second);
        Assert.That(two.ExitCode, Is.EqualTo(0), two.Stderr);

        var a = Verify(first);
        var b = Verify(second);
        Assert.That(a.Problems, Is.Empty, string.Join("\n", a.Problems));
        Assert.That(b.Problems, Is.Empty, string.Join("\n", b.Problems));
        Assert.Multiple(() =>
        {
            Assert.That(a.Verified && b.Verified);
            Assert.That(a.Counts.QuotesVerified, Is.EqualTo(2));
            Assert.That(a.Counts.VerdictsReproduced, Is.EqualTo(5));
            Assert.That(one.Stdout, Does.Contain(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(ManifestBytes(first)))));
            Assert.That(b.Manifest!.PreviousManifestSha256, Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(ManifestBytes(first)))));
        });
    }

    [Test]
    public void HostsAreNamedByEnrolledNameGlobAndLabel()
    {
        var path = Path.Combine(_out, "named.zip");
        var run = Export("--out", path, "--hosts", "GPU-TPM-01,gpu-serve-*,label=eu");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
        var verification = Verify(path);
        Assert.That(verification.Problems, Is.Empty, string.Join("\n", verification.Problems));
        Assert.That(verification.Hosts.Select(h => h.Name).Order(), Is.EqualTo(new[] { "gpu-serve-01", "gpu-tpm-01", "gpu-train-02" }));
    }

    [Test]
    public void HostsAndSinceNarrowTheBundle()
    {
        var path = Path.Combine(_out, "some.zip");
        var run = Export("--out", path, "--hosts", $"{_fleet.AgentIds["gpu-tpm-01"]},{_fleet.AgentIds["gpu-train-01"]}");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Stderr);
        var verification = Verify(path);
        Assert.That(verification.Problems, Is.Empty);
        Assert.That((verification.Counts.Hosts, verification.Counts.Reports), Is.EqualTo((2, 3)));

        var later = Export("--out", path, "--since", "2999-01-01");
        Assert.That(later.ExitCode, Is.EqualTo(0), later.Stderr);
        Assert.That(later.Stdout, Does.Contain("5 host(s), 0 report(s)"));
        Assert.That(Verify(path).Problems, Is.Empty);
    }

    [TestCase("--hosts", "no-such-agent", "no enrolled host, agent id, label or profile matches 'no-such-agent'")]
    [TestCase("--since", "last tuesday", "is not an ISO 8601 date")]
    public void BadInputExitsTwoAndLeavesNoFile(string option, string value, string message)
    {
        var path = Path.Combine(_out, "bad.zip");
        var run = Export("--out", path, option, value);
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Stderr, Does.Contain(message));
        Assert.That(Directory.GetFiles(_out), Is.Empty);
    }

    private static byte[] ManifestBytes(string bundle)
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(bundle);
        using var stream = zip.GetEntry("manifest.json")!.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
