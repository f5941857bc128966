using System.Security.Cryptography;
using WeightGuard.Testing;
using WeightGuard.Tpm.Transport;
using WeightGuard.Tpm.Verification;

namespace WeightGuard.Tpm.Tests;

/// <summary>The client against a real swtpm, cross-checked with tpm2-tools.</summary>
[NonParallelizable]
public class SwtpmClientTests
{
    private Swtpm _swtpm = null!;
    private SwtpmTcpTransport _transport = null!;
    private TpmClient _tpm = null!;

    [SetUp]
    public void SetUp()
    {
        _swtpm = Swtpm.Shared;
        _transport = new SwtpmTcpTransport("127.0.0.1", _swtpm.Port);
        _tpm = new TpmClient(_transport);
    }

    [TearDown]
    public void TearDown() => _transport.Dispose();

    private (int ExitCode, string Stdout, string Stderr) Tool(string name, params string[] args)
    {
        ExternalTool.Require(name);
        return ExternalTool.Run(name, args, env: _swtpm.TctiEnvironment);
    }

    [Test]
    public void InfoDescribesSwtpm()
    {
        var info = _tpm.ReadInfo();
        Assert.Multiple(() =>
        {
            Assert.That(info.Family, Is.EqualTo("2.0"));
            Assert.That(info.Manufacturer, Is.EqualTo("IBM"));
            Assert.That(info.PcrCount, Is.EqualTo(24));
            Assert.That(info.PcrBanks.Where(b => b.Pcrs.Count == 24).Select(b => b.Hash),
                Is.EquivalentTo(new[] { TpmAlgId.Sha1, TpmAlgId.Sha256 }));
            Assert.That(info.PersistentHandles, Does.Contain(0x81010001u));
        });
        var tools = Tool("tpm2_getcap", "properties-fixed");
        Assert.That(tools.Stdout, Does.Contain($"value: \"{info.Manufacturer}\""));
    }

    [Test]
    public void GetRandomReturnsTheRequestedCount()
    {
        var a = _tpm.GetRandom(100);
        var b = _tpm.GetRandom(100);
        Assert.That(a, Has.Length.EqualTo(100));
        Assert.That(a, Is.Not.EqualTo(b));
    }

    [Test]
    public void PcrReadOfAllPcrsInBothBanksMatchesTpm2PcrRead()
    {
        var selection = PcrSelection.Parse("sha1:" + string.Join(',', Enumerable.Range(0, 24)) + "+sha256:" + string.Join(',', Enumerable.Range(0, 24)));
        var values = _tpm.PcrRead(selection);
        var file = Path.Combine(_swtpm.Directory, "pcrread.bin");
        var r = Tool("tpm2_pcrread", "sha1:all+sha256:all", "-o", file);
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        var expected = File.ReadAllBytes(file);
        var mine = selection.SelectMany(b => b.Pcrs.Select(p => values.Get(b.Hash, p)!)).SelectMany(v => v).ToArray();
        Assert.That(mine, Is.EqualTo(expected));
    }

    [Test]
    public void EkCreatedFromTheDefaultTemplateIsTheOneTpm2CreateEkMakes()
    {
        var ek = _tpm.CreatePrimary(TpmRh.Endorsement, TpmTemplates.EkRsa2048());
        _tpm.FlushContext(ek.Handle);   // no resource manager: tpm2-tools needs the object slots
        var ctx = Path.Combine(_swtpm.Directory, "ek.ctx");
        var pub = Path.Combine(_swtpm.Directory, "ek.pub");
        var r = Tool("tpm2_createek", "-c", ctx, "-G", "rsa", "-u", pub, "-f", "tss");
        Tool("tpm2_flushcontext", "-t");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        var tools = TpmtPublic.Parse(File.ReadAllBytes(pub)[2..]);   // TPM2B_PUBLIC
        Assert.That(tools.ToBytes(), Is.EqualTo(ek.Public.ToBytes()));
        Assert.That(ek.Public.ComputeName(), Is.EqualTo(ek.Name));

        var persistent = _tpm.ReadPublic(0x81010001);
        Assert.That(persistent.Public.SameKeyAs(ek.Public), "swtpm's persistent EK is the L-1 EK");
        var readPublic = Tool("tpm2_readpublic", "-c", "0x81010001");
        Assert.That(readPublic.Stdout, Does.Contain("name: " + Convert.ToHexStringLower(persistent.Name)));
        Assert.That(readPublic.Stdout, Does.Contain("qualified name: " + Convert.ToHexStringLower(persistent.QualifiedName)));
    }

    [Test]
    public void EkCertificatesAreReadValidatedAndCertifyTheEk()
    {
        var certs = _tpm.ReadEkCertificates();
        Assert.That(certs.Select(c => c.NvIndex), Is.EquivalentTo(new[] { 0x01C00002u, 0x01C00016u }));
        var rsa = certs.Single(c => c.NvIndex == 0x01C00002);
        Assert.That(rsa.Der, Is.EqualTo(File.ReadAllBytes(Path.Combine(_swtpm.EkCertDirectory, "ek-rsa2048.crt"))));
        var validator = new EkCertificateValidator(_swtpm.CaDirectory);
        foreach (var cert in certs)
        {
            var result = validator.Validate(cert.Der);
            Assert.That(result.Problems, Is.Empty);
            Assert.That(result.Issuer, Is.EqualTo("CN=swtpm-localca"));
        }
        var ek = _tpm.CreatePrimary(TpmRh.Endorsement, TpmTemplates.EkRsa2048());
        try
        {
            Assert.That(EkCertificateValidator.CertifiesKey(rsa.Der, ek.Public));
            Assert.That(EkCertificateValidator.CertifiesKey(certs.Single(c => c.NvIndex == 0x01C00016).Der, ek.Public), Is.False);
        }
        finally { _tpm.FlushContext(ek.Handle); }
        var eccEk = _tpm.ReadPublic(0x81010016).Public;
        Assert.That(eccEk.Curve, Is.EqualTo(TpmEccCurve.NistP384));
        Assert.That(EkCertificateValidator.CertifiesKey(certs.Single(c => c.NvIndex == 0x01C00016).Der, eccEk));
    }

    [Test]
    public void EkCertificateFromAnotherCaIsNotTrusted()
    {
        var other = Path.Combine(_swtpm.Directory, "other-ca");
        Directory.CreateDirectory(other);
        using var key = RSA.Create(2048);
        var req = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=Other TPM CA", key,
            HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var ca = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        File.WriteAllText(Path.Combine(other, "root.pem"), ca.ExportCertificatePem());
        var result = new EkCertificateValidator(other).Validate(_tpm.ReadEkCertificates()[0].Der);
        Assert.That(result.Trusted, Is.False);
        Assert.That(result.Problems, Is.Not.Empty);
    }

    [Test]
    public void MakeCredentialInSoftwareIsActivatedByTheTpm()
    {
        var ek = _tpm.CreatePrimary(TpmRh.Endorsement, TpmTemplates.EkRsa2048());
        var ak = _tpm.CreatePrimary(TpmRh.Endorsement, TpmTemplates.AkRsa());
        try
        {
            var secret = RandomNumberGenerator.GetBytes(32);
            var credential = CredentialMaker.Make(ek.Public, ak.Public.ComputeName(), secret);
            Assert.That(_tpm.ActivateCredentialWithEk(ak.Handle, ek.Handle, credential), Is.EqualTo(secret));
        }
        finally
        {
            _tpm.FlushContext(ak.Handle);
            _tpm.FlushContext(ek.Handle);
        }
    }

    [Test]
    public void CredentialForAnotherKeyIsRefused()
    {
        var ek = _tpm.CreatePrimary(TpmRh.Endorsement, TpmTemplates.EkRsa2048());
        var ak = _tpm.CreatePrimary(TpmRh.Endorsement, TpmTemplates.AkRsa());
        try
        {
            var otherName = TpmTemplates.AkEcc().ComputeName();
            var credential = CredentialMaker.Make(ek.Public, otherName, RandomNumberGenerator.GetBytes(32));
            var e = Assert.Throws<TpmErrorException>(() => _tpm.ActivateCredentialWithEk(ak.Handle, ek.Handle, credential));
            Assert.That(e!.Message, Does.Contain("TPM_RC_INTEGRITY"));
        }
        finally
        {
            _tpm.FlushContext(ak.Handle);
            _tpm.FlushContext(ek.Handle);
        }
    }

    [TestCase("rsa")]
    [TestCase("ecc")]
    public void QuoteVerifiesAndTpm2CheckQuoteAgrees(string keyType)
    {
        var selection = PcrSelection.Parse("sha256:0,1,2,3,4,5,6,7,10,16");
        var nonce = RandomNumberGenerator.GetBytes(32);
        var ak = _tpm.CreatePrimary(TpmRh.Endorsement, keyType == "rsa" ? TpmTemplates.AkRsa() : TpmTemplates.AkEcc());
        QuoteResult quote;
        ReadPublicResult akPublic;
        try
        {
            quote = _tpm.Quote(ak.Handle, nonce, selection);
            akPublic = _tpm.ReadPublic(ak.Handle);
        }
        finally { _tpm.FlushContext(ak.Handle); }
        var pcrs = _tpm.PcrRead(selection);

        var result = QuoteVerifier.Verify(quote.Attest, quote.Signature, ak.Public, nonce, selection, pcrs, akPublic.QualifiedName);
        Assert.That(result.Problems, Is.Empty);
        Assert.That(result.Verified);

        var dir = Directory.CreateTempSubdirectory("quote-").FullName;
        File.WriteAllText(Path.Combine(dir, "ak.pem"), PemEncoding.WriteString("PUBLIC KEY", ak.Public.ExportSubjectPublicKeyInfo()));
        File.WriteAllBytes(Path.Combine(dir, "attest.bin"), quote.Attest);
        File.WriteAllBytes(Path.Combine(dir, "sig.bin"), quote.Signature.ToBytes());
        File.WriteAllBytes(Path.Combine(dir, "pcrs.bin"), Tpm2ToolsPcrFile(selection, pcrs));
        var check = Tool("tpm2_checkquote", "-u", Path.Combine(dir, "ak.pem"), "-m", Path.Combine(dir, "attest.bin"),
            "-s", Path.Combine(dir, "sig.bin"), "-f", Path.Combine(dir, "pcrs.bin"), "-g", "sha256", "-q", Convert.ToHexStringLower(nonce));
        Assert.That(check.ExitCode, Is.Zero, check.Stderr);

        var otherNonce = Tool("tpm2_checkquote", "-u", Path.Combine(dir, "ak.pem"), "-m", Path.Combine(dir, "attest.bin"),
            "-s", Path.Combine(dir, "sig.bin"), "-g", "sha256", "-q", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
        Assert.That(otherNonce.ExitCode, Is.Not.Zero, "tpm2_checkquote must reject another nonce too");
        Directory.Delete(dir, true);
    }

    /// <summary>
    /// The PCR file <c>tpm2_quote -o</c> writes and <c>tpm2_checkquote -f</c> reads: tpm2-tools' in-memory (little-endian,
    /// padded) TPML_PCR_SELECTION with 16 slots, then a u32 count of TPML_DIGESTs of 8 TPM2B_DIGEST(64) slots each.
    /// (tpm2_checkquote 5.4 fails on raw values with -l, so this form is the one to use.)
    /// </summary>
    private static byte[] Tpm2ToolsPcrFile(IReadOnlyList<TpmsPcrSelection> selection, PcrBanks values)
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write((uint)selection.Count);
        for (var i = 0; i < 16; i++)
        {
            var bitmap = new byte[4];
            if (i < selection.Count) foreach (var p in selection[i].Pcrs) bitmap[p / 8] |= (byte)(1 << (p % 8));
            w.Write(i < selection.Count ? (ushort)selection[i].Hash : (ushort)0);
            w.Write(i < selection.Count ? (byte)3 : (byte)0);
            w.Write(bitmap);
            w.Write((byte)0);
        }
        var digests = selection.SelectMany(b => b.Pcrs.Select(p => values.Get(b.Hash, p)!)).Chunk(8).ToList();
        w.Write((uint)digests.Count);
        foreach (var chunk in digests)
        {
            w.Write((uint)chunk.Length);
            for (var i = 0; i < 8; i++)
            {
                var d = i < chunk.Length ? chunk[i] : [];
                w.Write((ushort)d.Length);
                w.Write(d);
                w.Write(new byte[64 - d.Length]);
            }
        }
        return ms.ToArray();
    }

    [Test]
    public void BadQuotesAreRejectedWithAPreciseReason()
    {
        var selection = PcrSelection.Parse("sha256:0,7");
        var nonce = RandomNumberGenerator.GetBytes(20);
        var ak = _tpm.CreatePrimary(TpmRh.Endorsement, TpmTemplates.AkRsa());
        QuoteResult quote;
        try { quote = _tpm.Quote(ak.Handle, nonce, selection); }
        finally { _tpm.FlushContext(ak.Handle); }
        var pcrs = _tpm.PcrRead(selection);

        // Every single flipped bit anywhere in the attestation breaks the signature.
        for (var bit = 0; bit < quote.Attest.Length * 8; bit += 7)
        {
            var flipped = (byte[])quote.Attest.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            var r = QuoteVerifier.Verify(flipped, quote.Signature, ak.Public, nonce, selection, pcrs);
            Assert.That(r.Verified, Is.False, $"bit {bit}");
            Assert.That(r.Problems, Does.Contain("signature does not verify under the attestation key"), $"bit {bit}");
        }
        var sig = quote.Signature with { Signature = (byte[])quote.Signature.Signature.Clone() };
        sig.Signature[17] ^= 0x10;
        Assert.That(QuoteVerifier.Verify(quote.Attest, sig, ak.Public, nonce, selection, pcrs).Problems,
            Is.EqualTo(new[] { "signature does not verify under the attestation key" }));

        var other = QuoteVerifier.Verify(quote.Attest, quote.Signature, ak.Public, RandomNumberGenerator.GetBytes(20), selection, pcrs);
        Assert.That(other.Problems.Single(), Does.StartWith($"extraData {Convert.ToHexStringLower(nonce)} is not the nonce"));

        var otherAk = _tpm.CreatePrimary(TpmRh.Endorsement, TpmTemplates.AkEcc());
        _tpm.FlushContext(otherAk.Handle);
        var byOther = QuoteVerifier.Verify(quote.Attest, quote.Signature, otherAk.Public, nonce, selection, pcrs);
        Assert.That(byOther.Problems.Single(), Is.EqualTo("a rsassa signature cannot come from a ecc key").Or.Contains("cannot come from"));

        var otherRsa = TpmtPublic.Parse(ak.Public.ToBytes());
        using var rsa = RSA.Create(2048);
        var modulus = rsa.ExportParameters(false).Modulus!;
        var foreign = new TpmtPublic { Type = otherRsa.Type, NameAlg = otherRsa.NameAlg, Attributes = otherRsa.Attributes,
            Scheme = otherRsa.Scheme, SchemeHash = otherRsa.SchemeHash, KeyBits = 2048, Unique = modulus };
        Assert.That(QuoteVerifier.Verify(quote.Attest, quote.Signature, foreign, nonce, selection, pcrs).Problems,
            Is.EqualTo(new[] { "signature does not verify under the attestation key" }));

        var changed = new PcrBanks();
        changed.Set(TpmAlgId.Sha256, 0, pcrs.Get(TpmAlgId.Sha256, 0)!);
        changed.Set(TpmAlgId.Sha256, 7, new byte[32].Select(_ => (byte)1).ToArray());
        Assert.That(QuoteVerifier.Verify(quote.Attest, quote.Signature, ak.Public, nonce, selection, changed).Problems.Single(),
            Does.StartWith("pcrDigest"));

        Assert.That(QuoteVerifier.Verify(quote.Attest, quote.Signature, ak.Public, nonce, PcrSelection.Parse("sha256:0"), pcrs).Problems.Single(),
            Does.StartWith("quote covers sha256:0,7, not the requested sha256:0"));
    }

    [Test]
    public void AbsentNvIndexGivesTheDecodedHandleError()
    {
        var e = Assert.Throws<TpmErrorException>(() => _tpm.NvReadPublic(0x01C0000A));
        Assert.That(e!.Message, Is.EqualTo("TPM2_NvReadPublic failed: TPM_RC_HANDLE (handle 1) [0x18B]"));
        Assert.That(e.BaseCode, Is.EqualTo(TpmResponseCode.Handle));
    }

    [Test]
    public void UnreachableSimulatorIsReportedAsUnavailable()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var e = Assert.Throws<TpmUnavailableException>(() => new TpmClient(new SwtpmTcpTransport("127.0.0.1", port)).GetRandom(8));
        Assert.That(e!.Message, Does.StartWith($"cannot connect to the TPM simulator at 127.0.0.1:{port}"));
    }
}
