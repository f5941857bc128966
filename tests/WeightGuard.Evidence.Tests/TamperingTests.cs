using System.Text;
using System.Text.Json;
using WeightGuard.Core.Evaluation;

namespace WeightGuard.Evidence.Tests;

/// <summary>Every way of changing a bundle after signing is caught, and the first problem names the file and the defect.</summary>
public class TamperingTests
{
    private static readonly string Gpu1 = Fleet.ReportFolder(Fleet.Gpu1, Fleet.Gpu1Report);
    private static readonly string Gpu2 = Fleet.ReportFolder(Fleet.Gpu2, Fleet.Gpu2Report);

    private static BundleEditor Genuine() => new(Fleet.Bundle());

    private static BundleProblem First(byte[] bundle, TestPki? trust = null)
    {
        var result = BundleEditor.Verify(bundle, trust);
        Assert.That(result.Verified, Is.False);
        Assert.That(result.Problems, Is.Not.Empty);
        return result.Problems[0];
    }

    private static IEnumerable<string> SignedFiles() =>
    [
        "report.json", "attestation.json", "eventlog.bin", "verdicts.json", "host.json", "catalog/controls/WG-DISK-001.yaml",
        "catalog/profiles/rand-sl3.yaml", "catalog/waivers.yaml", "findings.csv", "findings.ocsf.jsonl",
    ];

    [TestCaseSource(nameof(SignedFiles))]
    public void AFlippedByteInAnyFileIsAHashMismatchOnThatFile(string file)
    {
        var path = file.Contains('/') || file.StartsWith("findings", StringComparison.Ordinal) ? file
            : file == "host.json" ? $"hosts/{Fleet.Gpu1}/host.json" : Gpu1 + file;
        var problem = First(Genuine().FlipByte(path).ToBytes());

        Assert.That(problem.File, Is.EqualTo(path));
        Assert.That(problem.Defect, Does.Match("^SHA-256 [0-9a-f]{64} \\([0-9]+ bytes\\) does not match manifest.json's [0-9a-f]{64} \\([0-9]+ bytes\\): the file was changed$"));
    }

    [Test]
    public void AFlippedByteInTheManifestBreaksTheSignature()
    {
        // Change one hex digit of a listed hash, so the manifest still parses and only the signature can tell.
        var editor = Genuine();
        var manifest = editor.Get(BundleLayout.Manifest);
        var at = Encoding.ASCII.GetString(manifest).IndexOf("\"sha256\": \"", StringComparison.Ordinal) + 11;
        var problem = First(editor.Set(BundleLayout.Manifest, [.. manifest[..at], (byte)(manifest[at] == (byte)'0' ? '1' : '0'), .. manifest[(at + 1)..]]).ToBytes());
        Assert.That(problem.File, Is.EqualTo(BundleLayout.Signature));
        Assert.That(problem.Defect, Does.StartWith($"the signature by {TestPki.Aggregator.Signer.Subject} does not verify over manifest.json"));
    }

    [Test]
    public void AFlippedByteInTheSignatureValueBreaksIt()
    {
        var editor = Genuine();
        var problem = First(editor.FlipByte(BundleLayout.Signature, editor.Get(BundleLayout.Signature).Length - 2).ToBytes());
        Assert.That(problem.File, Is.EqualTo(BundleLayout.Signature));
        Assert.That(problem.Defect, Does.StartWith("the signature by").And.Contains("does not verify over manifest.json"));
    }

    [Test]
    public void ATruncatedSignatureIsNotCms()
    {
        var editor = Genuine();
        var p7s = editor.Get(BundleLayout.Signature);
        var problem = First(editor.Set(BundleLayout.Signature, p7s[..(p7s.Length / 2)]).ToBytes());
        Assert.That(problem.File, Is.EqualTo(BundleLayout.Signature));
        Assert.That(problem.Defect, Does.StartWith("not a CMS signature: "));
    }

    [Test]
    public void ADroppedFileIsMissing()
    {
        var problem = First(Genuine().Remove(Gpu1 + "eventlog.bin").ToBytes());
        Assert.That(problem, Is.EqualTo(new BundleProblem(Gpu1 + "eventlog.bin", "listed in manifest.json but missing from the bundle")));
    }

    [Test]
    public void ADroppedSignatureLeavesTheManifestUnsigned()
    {
        var problem = First(Genuine().Remove(BundleLayout.Signature).ToBytes());
        Assert.That(problem, Is.EqualTo(new BundleProblem(BundleLayout.Signature, "missing: the manifest is not signed")));
    }

    [Test]
    public void AnAddedFileIsNotInTheManifest()
    {
        var problem = First(Genuine().Add("hosts/agent-gpu-01/notes.txt", "trust me"u8.ToArray()).ToBytes());
        Assert.That(problem, Is.EqualTo(new BundleProblem("hosts/agent-gpu-01/notes.txt", "not listed in manifest.json: the file was added")));
    }

    [Test]
    public void AnAddedFileListedAndReSignedIsStillNotPartOfTheLayout()
    {
        var problem = First(Genuine().Add("hosts/agent-gpu-01/notes.txt", "trust me"u8.ToArray()).Resign(TestPki.Aggregator).ToBytes());
        Assert.That(problem, Is.EqualTo(new BundleProblem("hosts/agent-gpu-01/notes.txt", "not part of the weightguard.bundle/v1 layout")));
    }

    [Test]
    public void AReportSwappedBetweenHostsIsNotThatHostsEvenWhenReSignedByTheAggregator()
    {
        var target = Fleet.ReportFolder(Fleet.Gpu2, Fleet.Gpu1Report);
        var bundle = Genuine().Move(Gpu1, target).Resign(TestPki.Aggregator).ToBytes();
        var result = BundleEditor.Verify(bundle);

        Assert.That(result.Problems[0], Is.EqualTo(new BundleProblem(target + "report.json",
            "the report is from host 'gpu-01' (machine id a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1), not from 'gpu-02' (machine id b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2) whose folder holds it")));
        // gpu-01's RSA quote cannot verify under gpu-02's ECC attestation key.
        Assert.That(result.Problems.Where(p => p.File == target + "attestation.json").Select(p => p.Defect),
            Has.Some.Match("^a .* signature cannot come from a .* key$"));
    }

    [Test]
    public void AReportWhoseHostnameWasEditedToMatchStillFailsTheQuoteUnderThatHostsKey()
    {
        // The attacker also edits the swapped report's host identity: the evidence no longer matches the quote's binding,
        // and the quote is not signed by the receiving host's attestation key.
        var target = Fleet.ReportFolder(Fleet.Gpu2, Fleet.Gpu1Report);
        var editor = Genuine().Move(Gpu1, target);
        var json = Encoding.UTF8.GetString(editor.Get(target + "report.json")).Replace("gpu-01", "gpu-02").Replace("a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2");
        var result = BundleEditor.Verify(editor.Set(target + "report.json", Encoding.UTF8.GetBytes(json)).Resign(TestPki.Aggregator).ToBytes());

        Assert.That(result.Problems[0].File, Is.EqualTo(target + "attestation.json"));
        Assert.That(result.Problems[0].Defect, Does.Match("^a .* signature cannot come from a .* key$"));
        Assert.That(result.Problems[1].Defect, Does.StartWith("the quote is not bound to this report's evidence and nonce"));
    }

    [Test]
    public void ReSignedWithAnotherKeyDoesNotChainToTheTrustedCa()
    {
        var problem = First(Genuine().Resign(TestPki.Impostor).ToBytes());
        Assert.That(problem.File, Is.EqualTo(BundleLayout.Signature));
        Assert.That(problem.Defect, Does.StartWith($"signer {TestPki.Impostor.Signer.Subject} does not chain to the trusted certificate {TestPki.Aggregator.Ca.Subject}"));
    }

    [Test]
    public void ChangedEvidenceWithReSignedManifestBreaksTheQuoteBinding()
    {
        var json = Encoding.UTF8.GetString(Genuine().Get(Gpu1 + "report.json")).Replace("\"lockdown\": \"none\"", "\"lockdown\": \"confidentiality\"");
        Assert.That(json, Does.Contain("confidentiality"));
        var problem = First(Genuine().Set(Gpu1 + "report.json", Encoding.UTF8.GetBytes(json)).Resign(TestPki.Aggregator).ToBytes());

        Assert.That(problem.File, Is.EqualTo(Gpu1 + "attestation.json"));
        Assert.That(problem.Defect, Does.StartWith("the quote is not bound to this report's evidence and nonce (extraData "));
    }

    [Test]
    public void AForgedVerdictIsNotWhatTheEvidenceGives()
    {
        var editor = Genuine();
        var verdicts = JsonSerializer.Deserialize(editor.Get(Gpu2 + "verdicts.json"), BundleJsonContext.Default.VerdictsDocument)!;
        var profile = verdicts.Profiles.Single();
        var failing = profile.Results.First(r => r.Status == ControlStatus.Fail);
        var forged = verdicts with
        {
            Profiles = [profile with { Results = profile.Results.Select(r => r == failing ? r with { Status = ControlStatus.Pass } : r).ToList() }],
        };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(forged, BundleJsonContext.Default.VerdictsDocument);
        var result = BundleEditor.Verify(editor.Set(Gpu2 + "verdicts.json", bytes).Resign(TestPki.Aggregator).ToBytes());

        Assert.That(result.Problems[0].File, Is.EqualTo(Gpu2 + "verdicts.json"));
        Assert.That(result.Problems[0].Defect, Does.StartWith($"{failing.ControlId} ({profile.Profile.Id}) is 'pass' here, but the evidence gives 'fail' ("));
        Assert.That(result.Problems.Select(p => p.File), Does.Contain(BundleLayout.FindingsCsv), "the findings no longer list the verdicts");
    }

    [Test]
    public void AnotherEventLogDoesNotReplayToTheQuotedPcrs()
    {
        var other = File.ReadAllBytes(Path.Combine(Testing.RepoPaths.SharedTestData, "tpm-eventlogs", "event-bootorder.bin"));
        var problem = First(Genuine().Set(Gpu1 + "eventlog.bin", other).Resign(TestPki.Aggregator).ToBytes());
        Assert.That(problem.File, Is.EqualTo(Gpu1 + "eventlog.bin"));
        Assert.That(problem.Defect, Does.Match("^sha256:0 is 464a812a[0-9a-f]{56}, the log explains [0-9a-f]{64}$"));
    }

    [Test]
    public void ALogThatExtendsOnlyOnePcrLeavesTheOtherQuotedPcrsUnexplained()
    {
        // One EV_EFI_ACTION into PCR 4: PCR 4 differs, and PCRs 0-3 and 5-7 hold values no event explains.
        var partial = File.ReadAllBytes(Path.Combine(Testing.RepoPaths.SharedTestData, "tpm-eventlogs", "event-uefiaction.bin"));
        var result = BundleEditor.Verify(Genuine().Set(Gpu1 + "eventlog.bin", partial).Resign(TestPki.Aggregator).ToBytes());
        var defects = result.Problems.Where(p => p.File == Gpu1 + "eventlog.bin").Select(p => p.Defect).ToList();

        Assert.That(defects[0], Does.Match("^sha256:4 is 7a94ffe8[0-9a-f]{56}, the log explains [0-9a-f]{64}$"));
        Assert.That(defects.Skip(1), Is.EqualTo(new[] { 0, 1, 2, 3, 5, 6, 7 }.Select(pcr => $"sha256:{pcr} is {FixturePcr(pcr)}, but no event of the log extends it")));
    }

    /// <summary>The fixture log's replayed SHA-256 PCRs (fixtures/README.md).</summary>
    private static string FixturePcr(int pcr) => pcr switch
    {
        0 => "464a812afa3f88d8a5f1fe7e71df41951435ebd05edb742db8c2c0d67d62c0d1",
        1 => "f2c3a5ab1fcdec7c70d0e6af47304e9d2a4aa939874a69fbb84f786ff4b2f63f",
        4 => "7a94ffe8a7729a566d3d3c577fcb4b6b1e671f31540375f80eae6382ab785e35",
        5 => "a5ceb755d043f32431d63e39f5161464620a3437280494b5850dc1b47cc074e0",
        7 => "b5710bf57d25623e4019027da116821fa99f5c81e9e38b87671cc574f9281439",
        _ => "3d458cfe55cc03ea1f443f1562beec8df51c75e14a9fcf9a7234a13f198e7969",
    };

    [Test]
    public void AGarbledEventLogIsNamedWithItsOffset()
    {
        var problem = First(Genuine().Set(Gpu1 + "eventlog.bin", Fleet.EventLog[..100]).Resign(TestPki.Aggregator).ToBytes());
        Assert.That(problem.File, Is.EqualTo(Gpu1 + "eventlog.bin"));
        Assert.That(problem.Defect, Does.StartWith("not a TCG event log: offset "));
    }

    [Test]
    public void AQuoteAddedToAHostWithoutATpmIsRefused()
    {
        var cpu = Fleet.ReportFolder(Fleet.Cpu3, Fleet.Cpu3Report);
        var problem = First(Genuine().Add(cpu + "attestation.json", Genuine().Get(Gpu1 + "attestation.json")).Resign(TestPki.Aggregator).ToBytes());
        Assert.That(problem, Is.EqualTo(new BundleProblem(cpu + "attestation.json", "the host enrolled without a TPM, so its reports carry no quote")));
    }

    [Test]
    public void ATpmHostsReportWithoutAQuoteIsRefused()
    {
        var problem = First(Genuine().Remove(Gpu1 + "attestation.json").Remove(Gpu1 + "eventlog.bin").Resign(TestPki.Aggregator).ToBytes());
        Assert.That(problem, Is.EqualTo(new BundleProblem(Gpu1 + "attestation.json", "missing: the host enrolled with a TPM, so every report must carry a quote")));
    }

    private static byte[] EditHost(string agent, Func<HostDocument, HostDocument> edit)
    {
        var editor = Genuine();
        var path = BundleLayout.HostFile(agent);
        var host = edit(JsonSerializer.Deserialize(editor.Get(path), BundleJsonContext.Default.HostDocument)!);
        return editor.Set(path, JsonSerializer.SerializeToUtf8Bytes(host, BundleJsonContext.Default.HostDocument)).Resign(TestPki.Aggregator).ToBytes();
    }

    [Test]
    public void AnEkCertificateForAnotherKeyIsRefused()
    {
        var problem = First(EditHost(Fleet.Gpu1, h => h with { EkCertificate = Convert.ToBase64String(TestPki.Aggregator.Ca.RawData) }));
        Assert.That(problem, Is.EqualTo(new BundleProblem($"hosts/{Fleet.Gpu1}/host.json", "ekCertificate does not certify ekPublic")));
    }

    [Test]
    public void AHostFileNamingAnotherAgentIsRefused()
    {
        var problem = First(EditHost(Fleet.Gpu1, h => h with { AgentId = Fleet.Gpu2 }));
        Assert.That(problem, Is.EqualTo(new BundleProblem($"hosts/{Fleet.Gpu1}/host.json", $"agentId '{Fleet.Gpu2}' does not match its folder '{Fleet.Gpu1}'")));
    }

    [Test]
    public void AnAttestationKeyThatIsNotTpmtPublicIsRefused()
    {
        var problem = First(EditHost(Fleet.Gpu1, h => h with { AkPublic = Convert.ToBase64String(new byte[] { 0, 1, 0, 11 }) }));
        Assert.That(problem.File, Is.EqualTo($"hosts/{Fleet.Gpu1}/host.json"));
        Assert.That(problem.Defect, Does.StartWith("akPublic is not a TPMT_PUBLIC in base64: "));
    }

    [Test]
    public void AReportThatIsNotJsonIsNamed()
    {
        var problem = First(Genuine().Set(Gpu1 + "report.json", "{\"schema\":"u8.ToArray()).Resign(TestPki.Aggregator).ToBytes());
        Assert.That(problem.File, Is.EqualTo(Gpu1 + "report.json"));
        Assert.That(problem.Defect, Does.StartWith("not a weightguard.report/v1 document: "));
    }

    [Test]
    public void AnEditedCatalogueNoLongerReproducesTheVerdicts()
    {
        var editor = Genuine();
        var profile = Encoding.UTF8.GetString(editor.Get("catalog/profiles/rand-sl1.yaml")).Replace("  - WG-PATCH-001\n", "");
        var result = BundleEditor.Verify(editor.Set("catalog/profiles/rand-sl1.yaml", Encoding.UTF8.GetBytes(profile)).Resign(TestPki.Aggregator).ToBytes());

        Assert.That(result.Problems[0], Is.EqualTo(new BundleProblem(Gpu2 + "verdicts.json", "WG-PATCH-001 is not a control of profile 'rand-sl3'"))
            .Or.EqualTo(new BundleProblem(Fleet.ReportFolder(Fleet.Cpu3, Fleet.Cpu3Report) + "verdicts.json", "WG-PATCH-001 is not a control of profile 'rand-sl3'")));
    }

    [Test]
    public void AnUnloadableCatalogueIsNamedWithFileAndLine()
    {
        var editor = Genuine();
        var problem = First(editor.Set("catalog/controls/WG-DISK-001.yaml", "id: WG-DISK-001\nbogus: 1\n"u8.ToArray()).Resign(TestPki.Aggregator).ToBytes());
        Assert.That(problem.File, Does.StartWith("catalog/controls/WG-DISK-001.yaml:"));
    }

    [Test]
    public void NotAZipIsOneClearProblem()
    {
        var problem = First(Encoding.ASCII.GetBytes("this is not a bundle"));
        Assert.That(problem.File, Is.EqualTo(BundleProblem.Archive));
        Assert.That(problem.Defect, Does.StartWith("not a readable zip archive: "));
    }

    [Test]
    public void ATruncatedZipIsOneClearProblem()
    {
        var bundle = Fleet.Bundle();
        var problem = First(bundle[..(bundle.Length / 2)]);
        Assert.That(problem.File, Is.EqualTo(BundleProblem.Archive));
        Assert.That(problem.Defect, Does.StartWith("not a readable zip archive: "));
    }
}
