using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using WeightGuard.Collectors.Weights.Manifests;
using WeightGuard.Core.Checks;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Evidence;
using WeightGuard.Testing;

namespace WeightGuard.Collectors.Tests.Weights;

/// <summary>Signed weight manifests: signing, the signer's trust, tampered and hostile content, agreement with openssl cms, and the comparison with an inventory.</summary>
public class SignedWeightManifestTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string DigestA = new('a', 64), DigestB = new('b', 64);

    private static readonly WeightManifest Manifest = new(WeightManifest.SchemaV1, Now,
        [new ManifestDirectory("/models/llama", [new ManifestEntry("model-1.safetensors", 10, DigestA), new ManifestEntry("sub/model-2.safetensors", 20, DigestB)])]);

    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("wg-manifest-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    /// <summary>A CA and a signer it issued (valid 2025-2035), or a self-signed signer.</summary>
    private static (X509Certificate2 Ca, X509Certificate2 Signer) Pki(string name, bool keyUsageSign = true)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={name} CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var ca = caRequest.CreateSelfSigned(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2035, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name} signer", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(keyUsageSign ? X509KeyUsageFlags.DigitalSignature : X509KeyUsageFlags.KeyEncipherment, true));
        using var issued = request.Create(ca, new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2034, 1, 1, 0, 0, 0, TimeSpan.Zero), [7, 7]);
        return (X509CertificateLoader.LoadCertificate(ca.RawData), issued.CopyWithPrivateKey(key));
    }

    private static X509Certificate2 Public(X509Certificate2 c) => X509CertificateLoader.LoadCertificate(c.RawData);

    [Test]
    public void AManifestSignedByATrustedSignerOpensWithItsContent()
    {
        var (ca, signer) = Pki("Weights");
        var der = SignedWeightManifest.Sign(Manifest, signer, []);
        foreach (var trusted in new[] { Public(signer), ca })
        {
            var opened = SignedWeightManifest.Open(der, [trusted], Now);
            Assert.That(opened.Trusted, Is.True, opened.Problem);
            Assert.That(opened.Signer, Is.EqualTo("CN=Weights signer"));
            Assert.That(opened.Manifest!.Entries().Select(e => (e.HostPath, e.Entry.Sha256)),
                Is.EqualTo(new[] { ("/models/llama/model-1.safetensors", DigestA), ("/models/llama/sub/model-2.safetensors", DigestB) }));
        }
    }

    [Test]
    public void ASignerNotTrustedIsAProblemNeverTrusted()
    {
        var (_, signer) = Pki("Weights");
        var (otherCa, otherSigner) = Pki("Other");
        var der = SignedWeightManifest.Sign(Manifest, signer, []);
        Assert.That(SignedWeightManifest.Open(der, [otherCa], Now).Problem, Does.Contain("not a trusted manifest signer"));
        Assert.That(SignedWeightManifest.Open(der, [Public(otherSigner)], Now).Trusted, Is.False);
        Assert.That(SignedWeightManifest.Open(der, [], Now).Problem, Does.Contain("no trusted manifest signer"));
        // trusted, but outside its validity, or not allowed to sign
        Assert.That(SignedWeightManifest.Open(der, [Public(signer)], new DateTimeOffset(2040, 1, 1, 0, 0, 0, TimeSpan.Zero)).Problem, Does.Contain("not valid now"));
        var (_, encipherOnly) = Pki("Encipher", keyUsageSign: false);
        Assert.That(SignedWeightManifest.Open(SignedWeightManifest.Sign(Manifest, encipherOnly, []), [Public(encipherOnly)], Now).Problem, Does.Contain("may not sign"));
    }

    [Test]
    public void ContentChangedAfterSigningDoesNotVerifyAndIsNotUsed()
    {
        var (_, signer) = Pki("Weights");
        var der = SignedWeightManifest.Sign(Manifest, signer, []);
        var at = IndexOf(der, Encoding.ASCII.GetBytes(DigestA));
        der[at] = (byte)'c';
        var opened = SignedWeightManifest.Open(der, [Public(signer)], Now);
        Assert.That((opened.Trusted, opened.Manifest), Is.EqualTo((false, (WeightManifest?)null)));
        Assert.That(opened.Problem, Does.Contain("does not verify"));
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(100)]
    [TestCase(-1)]
    public void TruncatedOrGarbageBytesAreInvalidData(int keep)
    {
        var (_, signer) = Pki("Weights");
        var der = SignedWeightManifest.Sign(Manifest, signer, []);
        var bytes = keep >= 0 ? der[..Math.Min(keep, der.Length)] : RandomNumberGenerator.GetBytes(4096);
        Assert.That(() => SignedWeightManifest.Open(bytes, [Public(signer)], Now), Throws.TypeOf<InvalidDataException>());
    }

    [TestCase("""{"schema":"other/v1","createdAt":"2026-01-01T00:00:00Z","directories":[]}""", "schema")]
    [TestCase("""{"schema":"weightguard.weight-manifest/v1","createdAt":"2026-01-01T00:00:00Z","directories":[{"path":"/m","files":[{"path":"../etc/shadow","size":1,"sha256":"AAAA"}]}]}""", "relative path")]
    [TestCase("""{"schema":"weightguard.weight-manifest/v1","createdAt":"2026-01-01T00:00:00Z","directories":[{"path":"models","files":[]}]}""", "absolute path")]
    [TestCase("""{"schema":"weightguard.weight-manifest/v1","createdAt":"2026-01-01T00:00:00Z","directories":[{"path":"/m","files":[{"path":"a","size":1,"sha256":"ABC"}]}]}""", "SHA-256")]
    [TestCase("""{"schema":"weightguard.weight-manifest/v1","createdAt":"2026-01-01T00:00:00Z","directories":[{"path":"/m","files":[{"path":"a","size":-1,"sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}]}]}""", "negative size")]
    [TestCase("""{"schema":"weightguard.weight-manifest/v1","createdAt":"2026-01-01T00:00:00Z","directories":[{"path":"/m","files":[{"path":"a","size":1,"sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}]},{"path":"/m","files":[{"path":"a","size":1,"sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}]}]}""", "listed twice")]
    [TestCase("""{"schema":"weightguard.weight-manifest/v1","directories":[]}""", "not valid manifest JSON")]
    [TestCase("""[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[""", "not valid manifest JSON")]
    public void SignedButInvalidContentIsRefusedSayingWhy(string json, string why)
    {
        var (_, signer) = Pki("Weights");
        var cms = new System.Security.Cryptography.Pkcs.SignedCms(new System.Security.Cryptography.Pkcs.ContentInfo(Encoding.UTF8.GetBytes(json)), detached: false);
        cms.ComputeSignature(new System.Security.Cryptography.Pkcs.CmsSigner(signer), silent: true);
        Assert.That(() => SignedWeightManifest.Open(cms.Encode(), [Public(signer)], Now), Throws.TypeOf<InvalidDataException>().With.Message.Contains(why));
    }

    [Test]
    public void OpensslCmsVerifiesWhatWeSignAndPrintsTheSameJson()
    {
        var openssl = ExternalTool.Require("openssl");
        var (ca, signer) = Pki("Weights");
        var manifestPath = Path.Combine(_dir, "m.wgm");
        File.WriteAllBytes(manifestPath, SignedWeightManifest.Sign(Manifest, signer, []));
        File.WriteAllText(Path.Combine(_dir, "ca.pem"), ca.ExportCertificatePem());
        var (code, stdout, stderr) = ExternalTool.Run(openssl, ["cms", "-verify", "-binary", "-inform", "DER", "-in", manifestPath, "-CAfile", Path.Combine(_dir, "ca.pem"), "-purpose", "any"]);
        Assert.That(code, Is.Zero, stderr);
        Assert.That(JsonSerializer.Deserialize(stdout, WeightManifestJsonContext.Default.WeightManifest)!.Entries().Select(e => e.Entry), Is.EqualTo(Manifest.Entries().Select(e => e.Entry)));
    }

    private static WeightInventory Inventory(params (string Path, long Size, string? Sha256)[] files) => new()
    {
        Roots = [new WeightRoot("/models/llama", "scanned")], Mismatched = [], Errors = [], EntriesVisited = files.Length, Truncated = false,
        Files = files.Select(f => new WeightFile { Path = f.Path, Format = "safetensors", Size = f.Size, Sha256 = f.Sha256 }).ToList(),
    };

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static CheckOutcome Judge(WeightInventory inventory, WeightIntegrityEvidence integrity) =>
        CheckRegistry.ByKind["weights-match-signed-manifest"].Evaluate(new CheckContext(
            new Evidence { Host = new HostIdentity { Hostname = "h", Os = "linux", Kernel = "6", Arch = "x64", Platform = "linux" }, Weights = inventory, WeightIntegrity = integrity },
            new Dictionary<string, Core.Catalog.ParamValue>(), new Lazy<JsonElement>(() => default)));

    [Test]
    public void ChangedMissingAndUnlistedFilesAreEachNamedAndFail()
    {
        var (_, signer) = Pki("Weights");
        var manifest = Write("m.wgm", SignedWeightManifest.Sign(Manifest, signer, []));
        var trust = Write("signer.pem", Encoding.ASCII.GetBytes(signer.ExportCertificatePem()));
        var inventory = Inventory(("/models/llama/model-1.safetensors", 10, DigestB), ("/models/llama/extra.safetensors", 5, DigestA), ("/models/llama/unread.safetensors", 5, null));
        var evidence = WeightIntegrityCollector.Collect(inventory, new WeightIntegrityOptions([manifest], [trust]), Now);
        Assert.That(evidence.Changed.Select(c => (c.Path, c.ExpectedSha256, c.ActualSha256)), Is.EqualTo(new[] { ("/models/llama/model-1.safetensors", DigestA, DigestB) }));
        Assert.That(evidence.Missing, Is.EqualTo(new[] { "/models/llama/sub/model-2.safetensors" }));
        Assert.That(evidence.Unlisted, Is.EqualTo(new[] { "/models/llama/extra.safetensors" }));
        Assert.That(evidence.Unhashed, Is.EqualTo(new[] { "/models/llama/unread.safetensors" }));
        var outcome = Judge(inventory, evidence);
        Assert.That(outcome.Status, Is.EqualTo(ControlStatus.Fail));
        Assert.That(outcome.Message, Does.Contain("model-1.safetensors").And.Contain("sub/model-2.safetensors").And.Contain("extra.safetensors"));

        var matching = Inventory(("/models/llama/model-1.safetensors", 10, DigestA), ("/models/llama/sub/model-2.safetensors", 20, DigestB));
        var passing = WeightIntegrityCollector.Collect(matching, new WeightIntegrityOptions([manifest], [trust]), Now);
        Assert.That((passing.Matched, Judge(matching, passing).Status), Is.EqualTo((2, ControlStatus.Pass)));
    }

    [Test]
    public void AnUntrustedUnreadableOrMalformedManifestIsAnErrorNeverAPass()
    {
        var (_, signer) = Pki("Weights");
        var (_, impostor) = Pki("Impostor");
        var good = Write("m.wgm", SignedWeightManifest.Sign(Manifest, signer, []));
        var trust = Write("signer.pem", Encoding.ASCII.GetBytes(signer.ExportCertificatePem()));
        var matching = Inventory(("/models/llama/model-1.safetensors", 10, DigestA), ("/models/llama/sub/model-2.safetensors", 20, DigestB));
        var cases = new (WeightIntegrityOptions Options, string Why)[]
        {
            (new([Write("impostor.wgm", SignedWeightManifest.Sign(Manifest, impostor, []))], [trust]), "not a trusted manifest signer"),
            (new([Write("truncated.wgm", File.ReadAllBytes(good)[..64])], [trust]), "not a CMS signed manifest"),
            (new([Path.Combine(_dir, "absent.wgm")], [trust]), "absent.wgm"),
            (new([good], [Write("bad.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"u8.ToArray())]), "trusted manifest signer"),
            (new([good, Write("impostor2.wgm", SignedWeightManifest.Sign(Manifest, impostor, []))], [trust]), "impostor2.wgm"),
        };
        foreach (var (options, why) in cases)
        {
            var outcome = Judge(matching, WeightIntegrityCollector.Collect(matching, options, Now));
            Assert.That(outcome.Status, Is.EqualTo(ControlStatus.Error), why);
            Assert.That(outcome.Message, Does.Contain(why));
        }
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i <= haystack.Length - needle.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        throw new AssertionException("needle not found");
    }
}
