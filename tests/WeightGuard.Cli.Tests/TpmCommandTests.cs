using System.Security.Cryptography;
using WeightGuard.Testing;

namespace WeightGuard.Cli.Tests;

[NonParallelizable]
public class TpmCommandTests
{
    [Test]
    public void InfoDescribesTheSimulatorAndItsTrustedEkCertificates()
    {
        var swtpm = Swtpm.Shared;
        var (code, stdout, stderr) = CliRunner.Run("tpm", "info", "--tpm", swtpm.Selector, "--ek-ca", swtpm.CaDirectory);
        Assert.That(code, Is.Zero, stderr);
        var json = CliRunner.Json(stdout);
        Assert.That(json.GetProperty("family").GetString(), Is.EqualTo("2.0"));
        Assert.That(json.GetProperty("manufacturer").GetString(), Is.EqualTo("IBM"));
        Assert.That(json.GetProperty("pcrBanks").GetProperty("sha256").GetArrayLength(), Is.EqualTo(24));
        Assert.That(json.GetProperty("persistentHandles").EnumerateArray().Select(h => h.GetString()), Does.Contain("0x81010001"));
        var certs = json.GetProperty("ekCertificates").EnumerateArray().ToList();
        Assert.That(certs.Select(c => (c.GetProperty("nvIndex").GetString(), c.GetProperty("keyType").GetString())),
            Is.EquivalentTo(new[] { ("0x01C00002", "rsa2048"), ("0x01C00016", "ecc-p384") }));
        foreach (var c in certs)
        {
            Assert.That(c.GetProperty("issuer").GetString(), Is.EqualTo("CN=swtpm-localca"));
            Assert.That(c.GetProperty("trusted").GetBoolean(), Is.True);
        }
    }

    [TestCase("rsa")]
    [TestCase("ecc")]
    public void QuoteVerifiesAndTpm2CheckQuoteAcceptsWhatItPrints(string key)
    {
        var swtpm = Swtpm.Shared;
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var (code, stdout, stderr) = CliRunner.Run("tpm", "quote", "--tpm", swtpm.Selector, "--nonce", nonce,
            "--pcrs", "sha256:0,1,2,3,4,5,6,7", "--key", key);
        Assert.That(code, Is.Zero, stderr);
        var json = CliRunner.Json(stdout);
        Assert.That(json.GetProperty("verified").GetBoolean());
        Assert.That(json.GetProperty("problems").GetArrayLength(), Is.Zero);
        Assert.That(json.GetProperty("pcrs").GetProperty("sha256").EnumerateObject().Select(p => p.Name),
            Is.EqualTo(new[] { "0", "1", "2", "3", "4", "5", "6", "7" }));

        ExternalTool.Require("tpm2_checkquote");
        var dir = Directory.CreateTempSubdirectory("weightguard-quote-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "ak.pem"), json.GetProperty("akPublicKeyPem").GetString());
            File.WriteAllBytes(Path.Combine(dir, "attest"), Convert.FromBase64String(json.GetProperty("attest").GetString()!));
            File.WriteAllBytes(Path.Combine(dir, "sig"), Convert.FromBase64String(json.GetProperty("signature").GetString()!));
            var check = ExternalTool.Run("tpm2_checkquote", ["-u", Path.Combine(dir, "ak.pem"), "-m", Path.Combine(dir, "attest"),
                "-s", Path.Combine(dir, "sig"), "-g", "sha256", "-q", nonce]);
            Assert.That(check.ExitCode, Is.Zero, check.Stderr);

            var pcrread = ExternalTool.Run("tpm2_pcrread", ["sha256:0,1,2,3,4,5,6,7"], env: swtpm.TctiEnvironment);
            Assert.That(pcrread.ExitCode, Is.Zero, pcrread.Stderr);
            foreach (var p in json.GetProperty("pcrs").GetProperty("sha256").EnumerateObject())
                Assert.That(pcrread.Stdout, Does.Contain($"{p.Name} : 0x{p.Value.GetString()!.ToUpperInvariant()}"));
        }
        finally { Directory.Delete(dir, true); }
    }

    [TestCase("--nonce", "xyz", "invalid --nonce or --pcrs")]
    [TestCase("--nonce", "", "invalid --nonce or --pcrs")]
    [TestCase("--pcrs", "md5:0", "invalid --nonce or --pcrs: 'md5' is not a PCR bank")]
    public void BadInputExitsTwoWithOneLine(string option, string value, string message)
    {
        string[] args = ["tpm", "quote", "--tpm", "swtpm:127.0.0.1:1", "--nonce", "00", "--pcrs", "sha256:0"];
        args[Array.IndexOf(args, option) + 1] = value;
        var (code, stdout, stderr) = CliRunner.Run(args);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(stderr, Does.StartWith(message).Or.StartWith("--nonce must be"));
    }

    [Test]
    public void UnreachableTpmExitsTwo()
    {
        var (code, _, stderr) = CliRunner.Run("tpm", "quote", "--tpm", "swtpm:127.0.0.1:1", "--nonce", "00", "--pcrs", "sha256:0");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr.Trim(), Does.StartWith("cannot connect to the TPM simulator at 127.0.0.1:1"));
    }

    [Test]
    public void TpmNoneExitsTwo()
    {
        var (code, _, stderr) = CliRunner.Run("tpm", "info", "--tpm", "none");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr.Trim(), Is.EqualTo("no TPM: --tpm none"));
    }

    [Test]
    public void ScanCollectsTheSelectedTpmIntoTheEvidence()
    {
        var swtpm = Swtpm.Shared;
        var tree = Directory.CreateTempSubdirectory("weightguard-scan-").FullName;
        try
        {
            var (code, stdout, stderr) = CliRunner.Run("scan", "--root", tree, "--tpm", swtpm.Selector, "--format", "json");
            Assert.That(code, Is.AnyOf(0, 1), stderr);
            var tpm = CliRunner.Json(stdout).GetProperty("evidence").GetProperty("tpm");
            Assert.That(tpm.GetProperty("present").GetBoolean());
            Assert.That(tpm.GetProperty("manufacturer").GetString(), Is.EqualTo("IBM"));
            Assert.That(tpm.GetProperty("ekCertificates").GetArrayLength(), Is.EqualTo(2));
        }
        finally { Directory.Delete(tree, true); }

        var bad = CliRunner.Run("scan", "--root", "/", "--tpm", "bogus");
        Assert.That(bad.ExitCode, Is.EqualTo(2));
        Assert.That(bad.Stderr, Does.StartWith("--tpm: 'bogus' is not a TPM selector"));
    }
}
