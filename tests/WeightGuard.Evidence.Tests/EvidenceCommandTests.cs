using WeightGuard.Cli.Tests;

namespace WeightGuard.Evidence.Tests;

/// <summary>The real <c>weightguard evidence verify</c> process on bundles written to disk.</summary>
public class EvidenceCommandTests : BundleFilesFixture
{
    [Test]
    public void AGenuineBundleAnchoredInThePemCaExitsZero()
    {
        var (exit, stdout, stderr) = WeightGuardProcess.Run("evidence", "verify", Write("bundle.zip", Fleet.Bundle()), "--trust", CaPem());

        Assert.That(exit, Is.Zero, stdout + stderr);
        Assert.That(stdout, Does.Contain("VERIFIED   every check holds"));
        Assert.That(stdout, Does.Contain("Hosts      3 (2 enrolled with a TPM)"));
        Assert.That(stdout, Does.Contain("Reports    3: 2 quotes verified, 2 event logs replayed, 1 from hosts without a TPM; 3 verdict sets re-derived"));
        Assert.That(stdout, Does.Contain($"anchored in {TestPki.Aggregator.Ca.Subject}"));
        Assert.That(stdout, Does.Contain("Chain      follows the export whose manifest.json has SHA-256 " + new string('a', 64)));
    }

    [Test]
    public void ADerSigningCertificateAnchorsToo()
    {
        var (exit, stdout, _) = WeightGuardProcess.Run("evidence", "verify", Write("bundle.zip", Fleet.Bundle()), "--trust", Write("signer.der", TestPki.Aggregator.Signer.RawData));
        Assert.That(exit, Is.Zero, stdout);
    }

    [Test]
    public void WithoutTrustTheFingerprintIsPrintedAndTheExitIsOne()
    {
        var (exit, stdout, _) = WeightGuardProcess.Run("evidence", "verify", Write("bundle.zip", Fleet.Bundle()));

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(stdout, Does.Contain("SHA-256 fingerprint " + ManifestSignature.Fingerprint(TestPki.Aggregator.Signer)));
        Assert.That(stdout, Does.Contain("FAILED     signer not anchored: pass --trust"));
        Assert.That(stdout, Does.Contain("3 verdict sets re-derived"));
    }

    [Test]
    public void ATamperedBundleNamesTheFirstProblemAndListsAll()
    {
        var report = Fleet.ReportFolder(Fleet.Gpu1, Fleet.Gpu1Report) + "report.json";
        var bundle = new BundleEditor(Fleet.Bundle()).FlipByte(report).Remove(BundleLayout.FindingsCsv).ToBytes();
        var (exit, stdout, _) = WeightGuardProcess.Run("evidence", "verify", Write("bundle.zip", bundle), "--trust", CaPem());

        Assert.That(exit, Is.EqualTo(1));
        // Files are checked in the manifest's (ordinal) order, so the dropped findings.csv comes first.
        Assert.That(stdout, Does.Contain("FAILED     findings.csv: listed in manifest.json but missing from the bundle"));
        Assert.That(stdout, Does.Match($"\n  \\[gpu-01\\] {report}: SHA-256 [0-9a-f]{{64}} "));
        Assert.That(stdout, Does.Match("[0-9]+ problem\\(s\\):"));
    }

    [Test]
    public void TextFromTheBundleCannotDriveTheTerminal()
    {
        var report = Fleet.ReportFolder(Fleet.Gpu1, Fleet.Gpu1Report) + "report.json";
        var editor = new BundleEditor(Fleet.Bundle());
        var json = System.Text.Encoding.UTF8.GetString(editor.Get(report)).Replace("\"hostname\": \"gpu-01\"", "\"hostname\": \"gpu-01\\u001b]0;owned\\u0007\"");
        var bundle = editor.Set(report, System.Text.Encoding.UTF8.GetBytes(json)).Resign(TestPki.Aggregator).ToBytes();
        var (exit, stdout, _) = WeightGuardProcess.Run("evidence", "verify", Write("bundle.zip", bundle), "--trust", CaPem());

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(stdout, Does.Contain("the report names the host 'gpu-01?]0;owned?'"));
        Assert.That(stdout.Any(c => char.IsControl(c) && c != '\n'), Is.False);
    }

    [Test]
    public void AMissingBundleIsBadInput()
    {
        var (exit, _, stderr) = WeightGuardProcess.Run("evidence", "verify", Path.Combine(Dir, "absent.zip"));
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("absent.zip"));
    }

    [Test]
    public void AnUnreadableTrustCertificateIsBadInput()
    {
        var (exit, _, stderr) = WeightGuardProcess.Run("evidence", "verify", Write("bundle.zip", Fleet.Bundle()), "--trust", Write("ca.pem", "not a certificate"u8.ToArray()));
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(stderr, Does.StartWith("--trust ").And.Contains("not a readable PEM or DER certificate"));
    }
}
