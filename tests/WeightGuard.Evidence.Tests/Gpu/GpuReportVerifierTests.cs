using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using WeightGuard.Evidence.Gpu;
using WeightGuard.Testing;

namespace WeightGuard.Evidence.Tests.Gpu;

/// <summary>
/// GPU attestation reports: NVIDIA's own sample H100 report and certificate chain (tests/fixtures/gpu/nvidia), and
/// reports a test GPU signs, built to meet and to break every check.
/// </summary>
public class GpuReportVerifierTests
{
    private static readonly string Samples = Path.Combine(RepoPaths.Fixtures, "gpu", "nvidia");
    private static readonly byte[] SampleNonce = Convert.FromHexString("931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb");
    private static readonly IReadOnlySet<string> NoneRevoked = new HashSet<string>();

    private static byte[] SampleBytes => File.ReadAllBytes(Path.Combine(Samples, "hopperAttestationReport.txt"));

    private static IReadOnlyList<X509Certificate2> SampleChain()
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(File.ReadAllText(Path.Combine(Samples, "hopperCertChain.txt")));
        return [.. collection];
    }

    private static GpuReferenceManifest Rim(string text) => GpuReferenceManifest.Parse(new MemoryStream(Encoding.UTF8.GetBytes(text)));

    private static GpuReferenceManifest Reference(string version, IEnumerable<(int Index, byte[] Value)> values) => Rim(TestGpu.Rim(version, values));

    private static GpuReferenceManifest SampleRim(string file)
    {
        using var stream = File.OpenRead(Path.Combine(Samples, file));
        return GpuReferenceManifest.Parse(stream);
    }

    private static GpuReportCheck Verify(byte[] report, IReadOnlyList<X509Certificate2> chain, X509Certificate2 root, byte[]? nonce,
        params GpuReferenceManifest[] rims) =>
        GpuReportVerifier.Verify(SpdmMeasurementReport.Parse(report), chain, [root], nonce, rims, NoneRevoked, DateTimeOffset.UtcNow);

    [Test]
    public void NvidiasSampleReportParsesAsNvidiasVerifierReadsIt()
    {
        var report = SpdmMeasurementReport.Parse(SampleBytes);
        Assert.Multiple(() =>
        {
            Assert.That(report.SpdmVersion, Is.EqualTo(0x11));
            Assert.That(report.RequesterNonce, Is.EqualTo(SampleNonce));
            Assert.That(report.Measurements, Has.Count.EqualTo(64));
            Assert.That(report.Measurements.Select(m => m.Index), Is.EqualTo(Enumerable.Range(1, 64)));
            Assert.That(report.Measurements.All(m => m.Value.Length == 48), "SHA-384 measurements");
            Assert.That(Convert.ToHexStringLower(report.Measurements[3].Value), Does.StartWith("73bbf35822549e28"));
            Assert.That(report.DriverVersion, Is.EqualTo("550.90.07"));
            Assert.That(report.VbiosVersion, Is.EqualTo("96.00.9F.00.01"));
            Assert.That(report.Signature.Length, Is.EqualTo(96), "ECDSA P-384");
        });
    }

    [Test]
    public void NvidiasSampleVerifiesUnderTheBuiltInDeviceIdentityRoot()
    {
        using var root = GpuTrustAnchors.NvidiaDeviceIdentityRoot();
        var check = Verify(SampleBytes, SampleChain(), root, SampleNonce);
        Assert.Multiple(() =>
        {
            Assert.That(check.SignatureValid, Is.True);
            Assert.That(check.ChainValid, Is.True);
            Assert.That(check.NonceMatches, Is.True);
            Assert.That(check.Verdict, Is.EqualTo(GpuReportVerifier.NoReferenceValues), "signed and fresh, but nothing to compare the measurements with");
        });
    }

    [TestCase(false)]
    [TestCase(true)]
    public void OpenSslAgreesOnTheSamplesSignatureAndChain(bool flipMeasurementByte)
    {
        var openssl = ExternalTool.Require("openssl");
        var bytes = Convert.FromHexString(Encoding.ASCII.GetString(SampleBytes).Trim());
        if (flipMeasurementByte) bytes[SpdmMeasurementReport.SignedRequestLength + 8 + 3 * 55 + 7] ^= 0x01;
        var report = SpdmMeasurementReport.Parse(bytes);
        var chain = SampleChain();
        using var root = GpuTrustAnchors.NvidiaDeviceIdentityRoot();
        var ours = GpuReportVerifier.Verify(report, chain, [root], null, [], NoneRevoked, DateTimeOffset.UtcNow);

        var dir = Directory.CreateTempSubdirectory("weightguard-gpu-openssl-").FullName;
        try
        {
            string Write(string name, byte[] content) { var path = Path.Combine(dir, name); File.WriteAllBytes(path, content); return path; }
            using var key = chain[0].GetECDsaPublicKey()!;
            var half = report.Signature.Length / 2;
            var der = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
            using (der.PushSequence())
            {
                der.WriteIntegerUnsigned(report.Signature[..half]);
                der.WriteIntegerUnsigned(report.Signature[half..]);
            }
            var signature = ExternalTool.Run(openssl, ["dgst", "-sha384", "-verify", Write("leaf.pub", Encoding.ASCII.GetBytes(key.ExportSubjectPublicKeyInfoPem())),
                "-signature", Write("sig.der", der.Encode()), Write("signed.bin", report.SignedBytes.ToArray())]);
            var chainCheck = ExternalTool.Run(openssl, ["verify", "-CAfile", Write("root.pem", Encoding.ASCII.GetBytes(root.ExportCertificatePem())),
                "-untrusted", Write("inter.pem", Encoding.ASCII.GetBytes(string.Concat(chain.Skip(1).Select(c => c.ExportCertificatePem() + "\n")))),
                Write("leaf.pem", Encoding.ASCII.GetBytes(chain[0].ExportCertificatePem()))]);

            Assert.That(ours.SignatureValid, Is.EqualTo(signature.ExitCode == 0), signature.Stdout + signature.Stderr);
            Assert.That(ours.SignatureValid, Is.EqualTo(!flipMeasurementByte));
            Assert.That(ours.ChainValid, Is.EqualTo(chainCheck.ExitCode == 0), chainCheck.Stdout + chainCheck.Stderr);
            Assert.That(ours.ChainValid, Is.True);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Test]
    public void NvidiasSampleAnsweringAnotherNonceIsAReplay()
    {
        using var root = GpuTrustAnchors.NvidiaDeviceIdentityRoot();
        // The nonce NVIDIA's verifier uses in its no-GPU test mode, which this report does not answer.
        var check = Verify(SampleBytes, SampleChain(), root, Convert.FromHexString("4cff7f5380ead8fad8ec2c531c110aca4302a88f603792801a8ca29ee151af2e"));
        Assert.That(check.Verdict, Is.EqualTo(GpuReportVerifier.NonceMismatch));
        Assert.That(check.Reason, Does.Contain("931d8dd0"));
    }

    [Test]
    public void OneFlippedMeasurementByteOfNvidiasSampleBreaksItsSignature()
    {
        var bytes = Convert.FromHexString(Encoding.ASCII.GetString(SampleBytes).Trim());
        var report = SpdmMeasurementReport.Parse(bytes);
        // Block 4's value starts 7 bytes into the block; the record starts after the request and the 8-byte response header.
        var offset = SpdmMeasurementReport.SignedRequestLength + 8 + 3 * 55 + 7;
        Assert.That(bytes[offset..(offset + 8)], Is.EqualTo(report.Measurements[3].Value[..8]), "the offset is block 4's value");
        bytes[offset] ^= 0x01;
        using var root = GpuTrustAnchors.NvidiaDeviceIdentityRoot();
        var check = Verify(bytes, SampleChain(), root, SampleNonce);
        Assert.That(check.Verdict, Is.EqualTo(GpuReportVerifier.SignatureInvalid));
        Assert.That(check.ChainValid, Is.True);
    }

    [Test]
    public void NvidiasSampleChainDoesNotLeadToAnotherRoot()
    {
        using var gpu = new TestGpu();
        var check = Verify(SampleBytes, SampleChain(), gpu.Root, SampleNonce);
        Assert.That(check.Verdict, Is.EqualTo(GpuReportVerifier.ChainInvalid));
        Assert.That(check.Reason, Does.Contain("GH100 A01 GSP FMC LF"));
    }

    [Test]
    public void ARimForAnotherVbiosThanTheReportsIsRefusedWithBothVersions()
    {
        using var root = GpuTrustAnchors.NvidiaDeviceIdentityRoot();
        var check = Verify(SampleBytes, SampleChain(), root, SampleNonce, SampleRim("1010_0205_862_96005E0002_PROD.swidtag"));
        Assert.That(check.Verdict, Is.EqualTo(GpuReportVerifier.MeasurementMismatch));
        Assert.That(check.Reason, Does.Contain("96.00.5E.00.02").And.Contain("96.00.9F.00.01"));
    }

    [Test]
    public void NvidiasSampleRimsReadTheirActiveMeasurements()
    {
        var vbios = SampleRim("1010_0205_862_96005E0002_PROD.swidtag");
        var driver = SampleRim("Driver_RIM_test_no_gpu.swidtag");
        Assert.Multiple(() =>
        {
            Assert.That(vbios.Name, Is.EqualTo("GH100"));
            Assert.That(vbios.Version, Is.EqualTo("96.00.5E.00.02"));
            Assert.That(vbios.Measurements.Single(m => m.Index == 3).Alternatives.Single()[..4], Is.EqualTo(Convert.FromHexString("73bbf358")));
            Assert.That(driver.Version, Is.EqualTo("545.00"));
            Assert.That(driver.Measurements, Has.Count.EqualTo(21));
            Assert.That(vbios.SignatureChecked, Is.False, "RIM XML signatures are not checked, and every result says so");
        });
    }

    [Test]
    public void ATestGpusReportMatchingItsReferenceValuesIsVerified()
    {
        using var gpu = new TestGpu();
        var nonce = RandomNumberGenerator.GetBytes(32);
        var check = Verify(gpu.Report(nonce), gpu.Chain, gpu.Root, nonce,
            Reference(TestGpu.Driver, TestGpu.Measurements.Take(5)), Reference(TestGpu.Vbios, TestGpu.Measurements.Skip(5)));
        Assert.That(check.Verdict, Is.EqualTo(GpuReportVerifier.Verified), check.Reason);
        Assert.That(check.MeasurementsChecked, Is.EqualTo(8));
    }

    [Test]
    public void OneMeasurementThatNoReferenceAllowsIsNamed()
    {
        using var gpu = new TestGpu();
        var nonce = RandomNumberGenerator.GetBytes(32);
        var changed = TestGpu.Measurements.Select(m => m.Index == 6 ? (m.Index, SHA384.HashData("other firmware"u8)) : m).ToList();
        var check = Verify(gpu.Report(nonce, changed), gpu.Chain, gpu.Root, nonce, Reference(TestGpu.Driver, TestGpu.Measurements));
        Assert.That(check.Verdict, Is.EqualTo(GpuReportVerifier.MeasurementMismatch));
        Assert.That(check.Mismatches.Single().Index, Is.EqualTo(6));
        Assert.That(check.SignatureValid, Is.True, "the report is genuine; the firmware it measures is not the approved one");
    }

    [Test]
    public void AReportLackingAReferencedMeasurementFails()
    {
        using var gpu = new TestGpu();
        var nonce = RandomNumberGenerator.GetBytes(32);
        var check = Verify(gpu.Report(nonce, TestGpu.Measurements.Take(7).ToList()), gpu.Chain, gpu.Root, nonce, Reference(TestGpu.Driver, TestGpu.Measurements));
        Assert.That(check.Mismatches.Single(), Is.EqualTo(new GpuMeasurementMismatch(8, "Measurement_7", null)));
    }

    [Test]
    public void TwoRimsClaimingOneIndexAreRefused()
    {
        using var gpu = new TestGpu();
        var nonce = RandomNumberGenerator.GetBytes(32);
        var check = Verify(gpu.Report(nonce), gpu.Chain, gpu.Root, nonce, Reference(TestGpu.Driver, TestGpu.Measurements), Reference(TestGpu.Vbios, TestGpu.Measurements.Take(1)));
        Assert.That(check.Verdict, Is.EqualTo(GpuReportVerifier.MeasurementMismatch));
        Assert.That(check.Reason, Does.Contain("both claim measurement index 0"));
    }

    [Test]
    public void AReportSignedByAnotherKeyFailsItsSignature()
    {
        using var gpu = new TestGpu();
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var nonce = RandomNumberGenerator.GetBytes(32);
        var check = Verify(gpu.Report(nonce, signer: other), gpu.Chain, gpu.Root, nonce);
        Assert.That(check.Verdict, Is.EqualTo(GpuReportVerifier.SignatureInvalid));
    }

    [Test]
    public void AChainMissingItsIntermediateIsBroken()
    {
        using var gpu = new TestGpu();
        var nonce = RandomNumberGenerator.GetBytes(32);
        var check = Verify(gpu.Report(nonce), [gpu.Leaf], gpu.Root, nonce);
        Assert.That(check.Verdict, Is.EqualTo(GpuReportVerifier.ChainInvalid));
        Assert.That(check.ChainValid, Is.False);
    }

    [Test]
    public void ALeafRevokedByAVerifiedCrlIsRevoked()
    {
        using var gpu = new TestGpu();
        var nonce = RandomNumberGenerator.GetBytes(32);
        var revoked = GpuRevocationList.RevokedSerials(gpu.CrlRevokingLeaf(), gpu.Chain);
        var check = GpuReportVerifier.Verify(SpdmMeasurementReport.Parse(gpu.Report(nonce)), gpu.Chain, [gpu.Root], nonce,
            [Reference(TestGpu.Driver, TestGpu.Measurements)], revoked, DateTimeOffset.UtcNow);
        Assert.That(check.Verdict, Is.EqualTo(GpuReportVerifier.RevokedCertificate));
        Assert.That(check.Reason, Does.Contain(gpu.Leaf.SerialNumber));
    }

    [Test]
    public void ACrlSignedByNoCertificateOfTheChainIsRefused()
    {
        using var gpu = new TestGpu();
        using var other = new TestGpu("Another CA");
        Assert.That(() => GpuRevocationList.RevokedSerials(other.CrlRevokingLeaf(), gpu.Chain),
            Throws.TypeOf<GpuReportFormatException>().With.Message.Contains("verifies under none"));
    }

    [Test]
    public void AnUnsignedRequestProvesNothing()
    {
        using var gpu = new TestGpu();
        byte[] unsigned = [0x11, 0xE0, 0x00, 0xFF, 0x11, 0x60, 0x00, 0x00];
        var check = Verify(unsigned, gpu.Chain, gpu.Root, null);
        Assert.That(check.Verdict, Is.EqualTo(GpuReportVerifier.Unsigned));
    }

    [Test]
    public void EveryTruncationOfNvidiasSampleIsRefusedNeverVerified()
    {
        var bytes = Convert.FromHexString(Encoding.ASCII.GetString(SampleBytes).Trim());
        using var root = GpuTrustAnchors.NvidiaDeviceIdentityRoot();
        var chain = SampleChain();
        for (var length = 0; length < bytes.Length; length++)
        {
            SpdmMeasurementReport report;
            try { report = SpdmMeasurementReport.Parse(bytes[..length]); }
            catch (GpuReportFormatException e)
            {
                Assert.That(e.Message, Does.StartWith("offset "), $"truncated to {length} bytes");
                continue;
            }
            // A cut that leaves a P-256-sized signature parses; the P-384 key then refuses it.
            var check = GpuReportVerifier.Verify(report, chain, [root], SampleNonce, [], NoneRevoked, DateTimeOffset.UtcNow);
            Assert.That(check.Verdict, Is.EqualTo(GpuReportVerifier.SignatureInvalid), $"truncated to {length} bytes");
        }
    }

    [TestCase(SpdmMeasurementReport.SignedRequestLength + 1, 0x61, "not MEASUREMENTS")]      // response code
    [TestCase(SpdmMeasurementReport.SignedRequestLength + 7, 0xFF, "MeasurementRecord: ")]   // record length far beyond the report
    [TestCase(SpdmMeasurementReport.SignedRequestLength + 8 + 1, 0x02, "not DMTF")]          // first block's specification
    [TestCase(SpdmMeasurementReport.SignedRequestLength + 8 + 5, 0x31, "does not fill")]     // first block's value size
    public void HostileFieldsAreRefusedWithTheirName(int offset, int value, string expected)
    {
        var bytes = Convert.FromHexString(Encoding.ASCII.GetString(SampleBytes).Trim());
        bytes[offset] = (byte)value;
        Assert.That(() => SpdmMeasurementReport.Parse(bytes), Throws.TypeOf<GpuReportFormatException>().With.Message.Contains(expected));
    }

    [Test]
    public void DuplicateBlockIndexesAndOversizedReportsAreRefused()
    {
        using var gpu = new TestGpu();
        var twice = gpu.Report(new byte[32], [(1, new byte[48]), (1, new byte[48])]);
        Assert.That(() => SpdmMeasurementReport.Parse(twice), Throws.TypeOf<GpuReportFormatException>().With.Message.Contains("appears twice"));
        var huge = new byte[SpdmMeasurementReport.MaxReportBytes + 1];
        huge[0] = 0x11;
        Assert.That(() => SpdmMeasurementReport.Parse(huge), Throws.TypeOf<GpuReportFormatException>().With.Message.Contains("limit"));
        Assert.That(() => SpdmMeasurementReport.Parse("abc"u8), Throws.TypeOf<GpuReportFormatException>().With.Message.Contains("odd number"));
    }

    [Test]
    public void ARimWithADoctypeOrABadDigestIsRefused()
    {
        Assert.That(() => Rim(TestGpu.Rim("1.0", TestGpu.Measurements, includeDoctype: true)), Throws.TypeOf<GpuReportFormatException>().With.Message.Contains("DTD"));
        var shortDigest = TestGpu.Rim("1.0", [(1, new byte[20])]);
        Assert.That(() => Rim(shortDigest), Throws.TypeOf<GpuReportFormatException>().With.Message.Contains("not a SHA-384 digest"));
        Assert.That(() => Rim("<x/>"), Throws.TypeOf<GpuReportFormatException>().With.Message.Contains("no SWID SoftwareIdentity"));
    }
}
