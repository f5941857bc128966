using System.Text;
using System.Text.Json;
using WeightGuard.Core.Evaluation;

namespace WeightGuard.Evidence.Tests;

/// <summary>A genuine bundle verifies, says what it covered, and is the same bytes every time it is written.</summary>
public class BundleVerificationTests
{
    [Test]
    public void GenuineBundleVerifiesEveryCheck()
    {
        var result = BundleEditor.Verify(Fleet.Bundle());

        Assert.That(result.Problems, Is.Empty);
        Assert.That(result.Verified, Is.True);
        var c = result.Counts;
        Assert.Multiple(() =>
        {
            Assert.That(c.Hosts, Is.EqualTo(3));
            Assert.That(c.HostsWithTpm, Is.EqualTo(2));
            Assert.That(c.Reports, Is.EqualTo(3));
            Assert.That(c.QuotesVerified, Is.EqualTo(2));
            Assert.That(c.EventLogsReplayed, Is.EqualTo(2));
            Assert.That(c.ReportsWithoutTpm, Is.EqualTo(1));
            Assert.That(c.VerdictsReproduced, Is.EqualTo(3));
            Assert.That(c.FilesMatched, Is.EqualTo(result.Manifest!.Files.Count));
            Assert.That(result.Manifest.PreviousManifestSha256, Is.EqualTo(new string('a', 64)));
            Assert.That(result.Signature!.Subject, Is.EqualTo(TestPki.Aggregator.Signer.Subject));
        });
    }

    [Test]
    public void SameContentGivesTheSameBytesAndTheReturnedHashIsTheManifests()
    {
        using var first = new MemoryStream();
        var hash = EvidenceBundleWriter.Write(Fleet.Content, TestPki.Aggregator.Key, first);
        var manifest = new BundleEditor(first.ToArray()).Get(BundleLayout.Manifest);

        Assert.That(Fleet.Bundle(), Is.EqualTo(first.ToArray()));
        Assert.That(hash, Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(manifest))));
    }

    [Test]
    public void LayoutHoldsEveryFileOfTheDocumentedShape()
    {
        var paths = new BundleEditor(Fleet.Bundle()).Paths.ToList();
        var gpu = Fleet.ReportFolder(Fleet.Gpu1, Fleet.Gpu1Report);
        var cpu = Fleet.ReportFolder(Fleet.Cpu3, Fleet.Cpu3Report);

        // Streamed: the catalogue and the hosts in ordinal order, then what is known only after every host.
        Assert.That(paths[..^4], Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(paths[^4..], Is.EqualTo(new[] { BundleLayout.FindingsCsv, BundleLayout.FindingsOcsf, BundleLayout.Manifest, BundleLayout.Signature }));
        Assert.That(paths, Is.SupersetOf(new[]
        {
            "catalog/controls/WG-DISK-001.yaml", "catalog/profiles/rand-sl3.yaml", "catalog/waivers.yaml", "findings.csv", "findings.ocsf.jsonl",
            $"hosts/{Fleet.Gpu1}/host.json", gpu + "report.json", gpu + "attestation.json", gpu + "eventlog.bin", gpu + "verdicts.json",
            cpu + "report.json", cpu + "verdicts.json",
        }));
        Assert.That(paths, Has.None.EqualTo(cpu + "attestation.json"));
        Assert.That(paths.All(p => BundleLayout.Classify(p).Kind != BundleFileKind.Unknown), Is.True);
    }

    [Test]
    public void ReportBytesAreKeptExactlyAsSubmitted()
    {
        var submitted = Fleet.Content.Hosts.Single(h => h.AgentId == Fleet.Gpu1).Reports[0].ReportJson;
        var bundled = new BundleEditor(Fleet.Bundle()).Get(Fleet.ReportFolder(Fleet.Gpu1, Fleet.Gpu1Report) + "report.json");
        Assert.That(bundled, Is.EqualTo(submitted));
    }

    [Test]
    public void WaiversJudgeAsOfTheReportNotAsOfToday()
    {
        var bundle = new BundleEditor(Fleet.Bundle());
        var verdicts = JsonSerializer.Deserialize(bundle.Get(Fleet.ReportFolder(Fleet.Gpu1, Fleet.Gpu1Report) + "verdicts.json"),
            BundleJsonContext.Default.VerdictsDocument)!;

        var plat = verdicts.Profiles.Single().Results.Single(r => r.ControlId == "WG-PLAT-001");
        Assert.That(plat.Status, Is.EqualTo(ControlStatus.Waived), "the waiver expired on 2026-01-31, after the report");
        Assert.That(DateTimeOffset.UtcNow, Is.GreaterThan(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.That(BundleEditor.Verify(Fleet.Bundle()).Problems, Is.Empty);
    }

    [Test]
    public void AFirstExportWithoutAPreviousManifestAndAHostWithoutAMachineIdVerify()
    {
        var content = Fleet.Content;
        var catalog = Fleet.LoadCatalog(content.Catalog);
        var json = Fleet.Submitted(Fleet.NewReport(Guid.Parse("40000000-0000-4000-8000-000000000004"), "edge-04", machineId: null), catalog);
        var first = content with
        {
            PreviousManifestSha256 = null,
            Hosts = [.. content.Hosts, new BundleHost { AgentId = "agent-edge-04", Hostname = "edge-04", Reports = [new BundleReport(json, null, Fleet.Verdicts(json, catalog, "edge-04"))] }],
        };
        var result = BundleEditor.Verify(Fleet.Bundle(content: first));

        Assert.That(result.Problems, Is.Empty);
        Assert.That(result.Manifest!.PreviousManifestSha256, Is.Null);
        Assert.That(result.Counts.Hosts, Is.EqualTo(4));
    }

    [Test]
    public void WithoutTrustEverythingElseIsCheckedAndTheSignerIsNamed()
    {
        var result = EvidenceBundleVerifier.Verify(new MemoryStream(Fleet.Bundle()), trust: null);

        Assert.That(result.Problems, Is.Empty);
        Assert.That(result.Verified, Is.False);
        Assert.That(result.Signature!.Anchored, Is.False);
        Assert.That(result.Signature.Sha256Fingerprint, Is.EqualTo(ManifestSignature.Fingerprint(TestPki.Aggregator.Signer)));
        Assert.That(result.Counts.VerdictsReproduced, Is.EqualTo(3));
    }

    [Test]
    public void TrustingTheSigningCertificateItselfAnchorsIt()
    {
        using var leaf = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(TestPki.Aggregator.Signer.RawData);
        var result = EvidenceBundleVerifier.Verify(new MemoryStream(Fleet.Bundle()), leaf);
        Assert.That(result.Problems, Is.Empty);
        Assert.That(result.Verified, Is.True);
    }

    [Test]
    public void FindingsListTheAggregatorsVerdictsAsCsvAndOcsf()
    {
        var bundle = new BundleEditor(Fleet.Bundle());
        var csv = Encoding.UTF8.GetString(bundle.Get(BundleLayout.FindingsCsv)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var ocsf = Encoding.UTF8.GetString(bundle.Get(BundleLayout.FindingsOcsf)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var controls = Fleet.LoadCatalog(Fleet.CatalogFiles()).Resolve(Fleet.Profile).Controls.Count;

        Assert.That(csv[0], Does.StartWith("hostname,machine_id,report_id,finished_at,profile,control_id,title,status"));
        Assert.That(csv, Has.Length.EqualTo(1 + 3 * controls));
        Assert.That(csv, Has.Some.Contains("gpu-01,").And.Contains(",WG-PLAT-001,").And.Contains(",waived,"));
        Assert.That(ocsf.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("class_uid").GetInt32()), Is.All.EqualTo(2003));
        Assert.That(ocsf.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("device").GetProperty("hostname").GetString()).Distinct(),
            Is.EquivalentTo(new[] { "gpu-01", "gpu-02", "cpu-03" }));
    }
}
