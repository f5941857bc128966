using System.Globalization;
using System.Text;
using WeightGuard.Collectors.Disk;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Tests.Disk;

/// <summary>
/// The parser against real headers written by <c>cryptsetup luksFormat</c>, compared field by field with
/// <c>cryptsetup luksDump</c>. PBKDF costs are forced low so each image takes milliseconds.
/// </summary>
[TestFixture]
public sealed class LuksHeaderParserTests
{
    private static readonly string[] FastArgon2 = ["--pbkdf-memory", "32", "--pbkdf-force-iterations", "4", "--pbkdf-parallel", "1"];
    private static readonly string[] FastPbkdf2 = ["--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000"];
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("wg-luks-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static IEnumerable<TestCaseData> Luks2Configurations()
    {
        TestCaseData Case(string name, params string[] args) => new TestCaseData((object)args).SetArgDisplayNames(name);
        yield return Case("argon2id aes-xts-plain64 512", ["--cipher", "aes-xts-plain64", "--key-size", "512", "--pbkdf", "argon2id", .. FastArgon2]);
        yield return Case("argon2i aes-xts-plain64 256 sector 512", ["--cipher", "aes-xts-plain64", "--key-size", "256", "--pbkdf", "argon2i", "--sector-size", "512", .. FastArgon2]);
        yield return Case("pbkdf2-sha256 aes-xts-plain64 512", ["--cipher", "aes-xts-plain64", "--key-size", "512", "--hash", "sha256", .. FastPbkdf2]);
        yield return Case("pbkdf2-sha512 aes-cbc-essiv 256", ["--cipher", "aes-cbc-essiv:sha256", "--key-size", "256", "--hash", "sha512", .. FastPbkdf2]);
        yield return Case("pbkdf2-sha1 aes-xts-plain 512", ["--cipher", "aes-xts-plain", "--key-size", "512", "--hash", "sha1", .. FastPbkdf2]);
        yield return Case("aes-cbc-plain64 256", ["--cipher", "aes-cbc-plain64", "--key-size", "256", .. FastPbkdf2]);
        yield return Case("aes-ecb 256", ["--cipher", "aes-ecb", "--key-size", "256", .. FastPbkdf2]);
        yield return Case("label and subsystem", ["--label", "models", "--subsystem", "weights", "--pbkdf", "argon2id", .. FastArgon2]);
        yield return Case("64 KiB metadata", ["--luks2-metadata-size", "64k", "--luks2-keyslots-size", "2m", .. FastPbkdf2]);
        yield return Case("4 MiB metadata", ["--luks2-metadata-size", "4m", "--luks2-keyslots-size", "1m", .. FastPbkdf2]);
    }

    [TestCaseSource(nameof(Luks2Configurations))]
    public void Luks2_matches_luksDump(string[] args)
    {
        var image = LuksImage.Format(_dir, "v2.img", ["--type", "luks2", .. args]);
        AssertLuks2MatchesDump(image);
    }

    private static IEnumerable<TestCaseData> Luks1Configurations()
    {
        TestCaseData Case(string name, params string[] args) => new TestCaseData((object)args).SetArgDisplayNames(name);
        yield return Case("aes-xts-plain64 512 sha256", ["--cipher", "aes-xts-plain64", "--key-size", "512", "--hash", "sha256"]);
        yield return Case("aes-xts-plain64 256 sha1", ["--cipher", "aes-xts-plain64", "--key-size", "256", "--hash", "sha1"]);
        yield return Case("aes-cbc-essiv 256 sha512", ["--cipher", "aes-cbc-essiv:sha256", "--key-size", "256", "--hash", "sha512"]);
        yield return Case("aes-cbc-plain 128", ["--cipher", "aes-cbc-plain", "--key-size", "128"]);
        yield return Case("aes-ecb 256", ["--cipher", "aes-ecb", "--key-size", "256"]);
    }

    [TestCaseSource(nameof(Luks1Configurations))]
    public void Luks1_matches_luksDump(string[] args)
    {
        var image = LuksImage.Format(_dir, "v1.img", ["--type", "luks1", "--pbkdf-force-iterations", "1000", .. args]);
        AssertLuks1MatchesDump(image);
    }

    [Test]
    public void Luks1_with_added_and_killed_slots_matches_luksDump()
    {
        var image = LuksImage.Format(_dir, "v1.img", "--type", "luks1", "--pbkdf-force-iterations", "1000");
        image.AddKey("--key-slot", "2", "--pbkdf-force-iterations", "2000");
        image.AddKey("--key-slot", "5", "--pbkdf-force-iterations", "3000");
        image.Run(["luksKillSlot", "-q", image.Path, "0"]);
        var summary = AssertLuks1MatchesDump(image);
        Assert.That(summary.Keyslots.Select(k => k.Id), Is.EqualTo(new[] { 2, 5 }));
    }

    [Test]
    public void Luks2_with_several_keyslots_priorities_and_kdfs_matches_luksDump()
    {
        var image = LuksImage.Format(_dir, "v2.img", ["--type", "luks2", "--pbkdf", "argon2id", .. FastArgon2]);
        image.AddKey(["--key-slot", "3", "--hash", "sha512", .. FastPbkdf2]);
        image.AddKey(["--key-slot", "7", "--pbkdf", "argon2i", .. FastArgon2]);
        image.Run(["config", "--priority", "prefer", "--key-slot", "3", image.Path]);
        image.Run(["config", "--priority", "ignore", "--key-slot", "7", image.Path]);
        var summary = AssertLuks2MatchesDump(image);
        Assert.Multiple(() =>
        {
            Assert.That(summary.Keyslots.Select(k => (k.Id, k.Pbkdf!.Type)),
                Is.EqualTo(new[] { (0, "argon2id"), (3, "pbkdf2"), (7, "argon2i") }));
            Assert.That(summary.Keyslots.Select(k => k.Priority), Is.EqualTo(new int?[] { null, 2, 0 }));
        });
    }

    [Test]
    public void Luks2_tokens_match_luksDump_and_name_how_the_volume_unlocks()
    {
        var image = LuksImage.Format(_dir, "v2.img", ["--type", "luks2", .. FastPbkdf2]);
        image.AddKey(FastPbkdf2);
        image.AddKey(FastPbkdf2);
        image.ImportToken("""
            {"type":"systemd-tpm2","keyslots":["0"],"tpm2-blob":"AAECAw==","tpm2-pcrs":[7,11],"tpm2-pcr-bank":"sha256",
             "tpm2-pubkey":"","tpm2-pubkey-pcrs":[11],"tpm2-primary-alg":"ecc","tpm2-policy-hash":"00ff","tpm2-pin":true}
            """);
        image.ImportToken("""
            {"type":"systemd-fido2","keyslots":["1"],"fido2-credential":"AAAA","fido2-salt":"BBBB","fido2-rp":"io.systemd.cryptsetup",
             "fido2-clientPin-required":true,"fido2-up-required":true,"fido2-uv-required":false}
            """);
        image.ImportToken(ClevisToken("2", """{"alg":"dir","clevis":{"pin":"tpm2","tpm2":{"hash":"sha256","key":"ecc","pcr_bank":"sha256","pcr_ids":"0,7"}},"enc":"A256GCM"}"""));
        var tang = """{"alg":"ECDH-ES","clevis":{"pin":"tang","tang":{"adv":{"keys":[]},"url":"http://tang.example:7500"}},"enc":"A256GCM"}""";
        var tpm = """{"alg":"dir","clevis":{"pin":"tpm2","tpm2":{"pcr_bank":"sha1","pcr_ids":"4"}},"enc":"A256GCM"}""";
        image.ImportToken(ClevisToken("2", $$$"""{"alg":"dir","clevis":{"pin":"sss","sss":{"jwe":["{{{B64Url(tang)}}}.key.iv.ct.tag","{{{B64Url(tpm)}}}....."],"p":"x","t":2}},"enc":"A256GCM"}"""));

        var summary = AssertLuks2MatchesDump(image);
        var tokens = summary.Tokens;
        Assert.Multiple(() =>
        {
            Assert.That(tokens.Select(t => t.Type), Is.EqualTo(new[] { "systemd-tpm2", "systemd-fido2", "clevis", "clevis" }));
            Assert.That(tokens[0].Tpm2PubkeyPcrs, Is.EqualTo(new[] { 11 }));
            Assert.That(tokens[2].ClevisPin, Is.EqualTo("tpm2"));
            Assert.That(tokens[2].Tpm2Pcrs, Is.EqualTo(new[] { 0, 7 }));
            Assert.That(tokens[2].Tpm2PcrBank, Is.EqualTo("sha256"));
            Assert.That(tokens[3].ClevisPin, Is.EqualTo("sss"));
            Assert.That(tokens[3].ClevisSssThreshold, Is.EqualTo(2));
            Assert.That(tokens[3].ClevisSssPins, Is.EqualTo(new[] { "tang", "tpm2" }));
            Assert.That(tokens[3].ClevisTangUrls, Is.EqualTo(new[] { "http://tang.example:7500" }));
            Assert.That(tokens[3].Tpm2Pcrs, Is.EqualTo(new[] { 4 }));
        });
        // Nothing secret from the tokens reaches the summary.
        var json = System.Text.Json.JsonSerializer.Serialize(summary, StorageEvidenceJsonContext.Default.LuksSummary);
        Assert.That(json, Does.Not.Contain("AAECAw").And.Not.Contain("BBBB").And.Not.Contain("tpm2-blob"));
    }

    private static IEnumerable<TestCaseData> CraftedCiphers()
    {
        yield return new TestCaseData("serpent", "xts-plain64", true).SetArgDisplayNames("serpent-xts-plain64");
        yield return new TestCaseData("twofish", "cbc-essiv:sha256", true).SetArgDisplayNames("twofish-cbc-essiv");
        yield return new TestCaseData("cipher_null", "ecb", false).SetArgDisplayNames("cipher_null-ecb");
    }

    /// <summary>This cryptsetup cannot format with ciphers its kernel lacks, but luksDump reads them: the header is
    /// written with AES and the cipher fields edited (LUKS2 checksums recomputed).</summary>
    [TestCaseSource(nameof(CraftedCiphers))]
    public void Luks2_with_ciphers_this_kernel_lacks_matches_luksDump(string name, string mode, bool encrypting)
    {
        var image = LuksImage.Format(_dir, "v2.img", ["--type", "luks2", "--cipher", "aes-xts-plain64", .. FastPbkdf2]);
        Luks2Rewriter.EditJson(image.Path, j => j.Replace("aes-xts-plain64", $"{name}-{mode}"));
        var summary = AssertLuks2MatchesDump(image);
        Assert.That(summary.Encrypted, Is.EqualTo(encrypting));
        if (!encrypting) Assert.That(summary.Findings.Select(f => f.Message), Has.Some.Contains("data is not encrypted"));
    }

    [TestCaseSource(nameof(CraftedCiphers))]
    public void Luks1_with_ciphers_this_kernel_lacks_matches_luksDump(string name, string mode, bool encrypting)
    {
        var image = LuksImage.Format(_dir, "v1.img", "--type", "luks1", "--pbkdf-force-iterations", "1000");
        Luks2Rewriter.Poke(image.Path, 8, Field(name, 32));
        Luks2Rewriter.Poke(image.Path, 40, Field(mode, 32));
        var summary = AssertLuks1MatchesDump(image);
        Assert.That(summary.Encrypted, Is.EqualTo(encrypting));
    }

    [Test]
    public void Findings_name_legacy_modes_as_codes_and_leave_kdf_costs_to_the_checks()
    {
        var weak = Summarize(LuksImage.Format(_dir, "weak.img", ["--type", "luks2", "--cipher", "aes-cbc-plain", "--key-size", "256", "--hash", "sha1", .. FastPbkdf2]));
        var strong = Summarize(LuksImage.Format(_dir, "strong.img", "--type", "luks2", "--cipher", "aes-xts-plain64", "--key-size", "512",
            "--pbkdf", "argon2id", "--pbkdf-memory", "65536", "--pbkdf-force-iterations", "4", "--pbkdf-parallel", "1"));
        Assert.Multiple(() =>
        {
            Assert.That(weak.Findings.Select(f => f.Code), Is.EqualTo(new[] { LuksFindingCode.CbcPredictableIv, LuksFindingCode.PlainIv32Bit }));
            Assert.That(weak.Findings[0].Message, Is.EqualTo("aes-cbc-plain: cbc with predictable IVs (plain) is open to watermarking"));
            Assert.That(weak.Keyslots[0].Pbkdf, Is.EqualTo(new PbkdfSummary("pbkdf2", "sha1", 1000, null, null, null)), "the facts the checks judge");
            Assert.That(strong.Findings, Is.Empty);
            Assert.That(strong.Keyslots[0].Pbkdf!.Memory, Is.EqualTo(65536));
        });
    }

    private static LuksSummary Summarize(LuksImage image) => LuksSummarizer.Summarize(LuksHeaderParser.ParseFile(image.Path));

    private static LuksSummary AssertLuks2MatchesDump(LuksImage image)
    {
        var header = LuksHeaderParser.ParseFile(image.Path);
        var summary = LuksSummarizer.Summarize(header);
        var dump = LuksDump.Parse(image.Dump());
        var h = header.Luks2!;
        Assert.Multiple(() =>
        {
            Assert.That(summary.Version, Is.EqualTo(int.Parse(dump.Fields["Version"], CultureInfo.InvariantCulture)));
            Assert.That(summary.Uuid, Is.EqualTo(dump.Fields["UUID"]));
            Assert.That(summary.Label ?? "(no label)", Is.EqualTo(dump.Fields["Label"]));
            Assert.That(h.Binary.Subsystem.Length == 0 ? "(no subsystem)" : h.Binary.Subsystem, Is.EqualTo(dump.Fields["Subsystem"]));
            Assert.That(h.Binary.Seqid, Is.EqualTo(LuksDump.Number(dump.Fields["Epoch"])));
            Assert.That(h.Binary.HdrSize, Is.EqualTo(LuksDump.Number(dump.Fields["Metadata area"])));
            Assert.That(h.Metadata.Config.KeyslotsSize, Is.EqualTo(LuksDump.Number(dump.Fields["Keyslots area"])));
            Assert.That(summary.ChecksumValid, Is.True);

            var segments = dump["Data segments"];
            Assert.That(h.Metadata.Segments.Select(s => (s.Id, s.Type)), Is.EqualTo(segments.Select(s => (s.Id, s.Type))));
            var seg = segments[0].Attributes;
            Assert.That(summary.Cipher, Is.EqualTo(seg["cipher"]));
            Assert.That(summary.DataOffset, Is.EqualTo(LuksDump.Number(seg["offset"])));
            Assert.That(summary.SectorSize, Is.EqualTo(LuksDump.Number(seg["sector"])));
            Assert.That(h.Metadata.Segments[0].Size is null, Is.EqualTo(seg["length"] == "(whole device)"));

            var slots = dump["Keyslots"];
            Assert.That(summary.Keyslots.Select(k => (k.Id, k.Type)), Is.EqualTo(slots.Select(s => (s.Id, s.Type))));
            foreach (var (ours, theirs) in summary.Keyslots.Zip(slots))
            {
                var a = theirs.Attributes;
                Assert.That(ours.KeyBits, Is.EqualTo(LuksDump.Number(a["Key"])), $"keyslot {ours.Id} key");
                Assert.That(ours.Cipher, Is.EqualTo(a["Cipher"]), $"keyslot {ours.Id} cipher");
                Assert.That(h.Metadata.Keyslots.Single(k => k.Id == ours.Id).Area.KeySize * 8, Is.EqualTo(LuksDump.Number(a["Cipher key"])));
                Assert.That(PriorityName(ours.Priority), Is.EqualTo(a["Priority"]), $"keyslot {ours.Id} priority");
                Assert.That(ours.Pbkdf!.Type, Is.EqualTo(a["PBKDF"]), $"keyslot {ours.Id} pbkdf");
                if (ours.Pbkdf.Type == "pbkdf2")
                {
                    Assert.That(ours.Pbkdf.Hash, Is.EqualTo(a["Hash"]));
                    Assert.That(ours.Pbkdf.Iterations, Is.EqualTo(LuksDump.Number(a["Iterations"])));
                }
                else
                {
                    Assert.That(ours.Pbkdf.Time, Is.EqualTo(LuksDump.Number(a["Time cost"])));
                    Assert.That(ours.Pbkdf.Memory, Is.EqualTo(LuksDump.Number(a["Memory"])));
                    Assert.That(ours.Pbkdf.Cpus, Is.EqualTo(LuksDump.Number(a["Threads"])));
                }
                Assert.That(ours.AfStripes, Is.EqualTo(LuksDump.Number(a["AF stripes"])));
                var area = h.Metadata.Keyslots.Single(k => k.Id == ours.Id);
                Assert.That(area.Af!.Hash, Is.EqualTo(a["AF hash"]));
                Assert.That(area.Area.Offset, Is.EqualTo(LuksDump.Number(a["Area offset"])));
                Assert.That(area.Area.Size, Is.EqualTo(LuksDump.Number(a["Area length"])));
            }
            Assert.That(summary.KeyBits, Is.EqualTo(slots.Count == 0 ? null : LuksDump.Number(slots[0].Attributes["Key"])));

            var tokens = dump["Tokens"];
            Assert.That(summary.Tokens.Select(t => (t.Id, t.Type)), Is.EqualTo(tokens.Select(t => (t.Id, t.Type))));
            foreach (var (ours, theirs) in summary.Tokens.Zip(tokens))
            {
                var a = theirs.Attributes;
                Assert.That(ours.Keyslots, Is.EqualTo(new[] { a["Keyslot"] }), $"token {ours.Id} keyslots");
                // luksDump prints token fields only where systemd's token plugins are installed.
                if (ours.Type == "systemd-tpm2" && a.ContainsKey("tpm2-hash-pcrs"))
                {
                    Assert.That(string.Join('+', ours.Tpm2Pcrs!), Is.EqualTo(a["tpm2-hash-pcrs"]));
                    Assert.That(ours.Tpm2PcrBank, Is.EqualTo(a["tpm2-pcr-bank"]));
                    Assert.That(ours.Tpm2Pin, Is.EqualTo(bool.Parse(a["tpm2-pin"])));
                }
                if (ours.Type == "systemd-fido2" && a.ContainsKey("fido2-up-required"))
                {
                    Assert.That(ours.Fido2ClientPinRequired, Is.EqualTo(bool.Parse(a["fido2-clientPin-required"])));
                    Assert.That(ours.Fido2UserPresenceRequired, Is.EqualTo(bool.Parse(a["fido2-up-required"])));
                    Assert.That(ours.Fido2UserVerificationRequired, Is.EqualTo(bool.Parse(a["fido2-uv-required"])));
                }
            }

            var digests = dump["Digests"];
            Assert.That(h.Metadata.Digests.Select(d => (d.Id, d.Type, d.Hash, d.Iterations)),
                Is.EqualTo(digests.Select(d => (d.Id, d.Type, (string?)d.Attributes["Hash"], (long?)LuksDump.Number(d.Attributes["Iterations"])))));
        });
        return summary;
    }

    private static LuksSummary AssertLuks1MatchesDump(LuksImage image)
    {
        var header = LuksHeaderParser.ParseFile(image.Path);
        var summary = LuksSummarizer.Summarize(header);
        var dump = LuksDump.Parse(image.Dump());
        var h = header.Luks1!;
        Assert.Multiple(() =>
        {
            Assert.That(summary.Version, Is.EqualTo(int.Parse(dump.Fields["Version"], CultureInfo.InvariantCulture)));
            Assert.That(summary.Uuid, Is.EqualTo(dump.Fields["UUID"]));
            Assert.That(h.CipherName, Is.EqualTo(dump.Fields["Cipher name"]));
            Assert.That(h.CipherMode, Is.EqualTo(dump.Fields["Cipher mode"]));
            Assert.That(summary.Cipher, Is.EqualTo($"{dump.Fields["Cipher name"]}-{dump.Fields["Cipher mode"]}"));
            Assert.That(summary.HashSpec, Is.EqualTo(dump.Fields["Hash spec"]));
            Assert.That(summary.DataOffset, Is.EqualTo(LuksDump.Number(dump.Fields["Payload offset"]) * 512));
            Assert.That(summary.KeyBits, Is.EqualTo(LuksDump.Number(dump.Fields["MK bits"])));
            Assert.That(h.MkDigestIterations, Is.EqualTo(LuksDump.Number(dump.Fields["MK iterations"])));
            Assert.That(summary.ChecksumValid, Is.Null);

            var slots = dump["Key Slots"];
            Assert.That(h.Keyslots.Select(k => (k.Index, k.Active ? "ENABLED" : "DISABLED")), Is.EqualTo(slots.Select(s => (s.Id, s.Type))));
            var enabled = slots.Where(s => s.Type == "ENABLED").ToList();
            Assert.That(summary.Keyslots.Select(k => k.Id), Is.EqualTo(enabled.Select(s => s.Id)));
            foreach (var (ours, theirs) in summary.Keyslots.Zip(enabled))
            {
                Assert.That(ours.Pbkdf!.Iterations, Is.EqualTo(LuksDump.Number(theirs.Attributes["Iterations"])), $"slot {ours.Id} iterations");
                Assert.That(ours.Pbkdf.Hash, Is.EqualTo(dump.Fields["Hash spec"]));
                Assert.That(ours.AfStripes, Is.EqualTo(LuksDump.Number(theirs.Attributes["AF stripes"])));
                Assert.That(h.Keyslots[ours.Id].KeyMaterialOffset, Is.EqualTo(LuksDump.Number(theirs.Attributes["Key material offset"])));
            }
        });
        return summary;
    }

    private static string PriorityName(int? priority) => priority switch
    {
        0 => "ignored",
        2 => "preferred",
        _ => "normal",
    };

    private static byte[] Field(string text, int size)
    {
        var field = new byte[size];
        Encoding.ASCII.GetBytes(text).CopyTo(field, 0);
        return field;
    }

    internal static string B64Url(string json) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal static string ClevisToken(string keyslot, string protectedHeader) =>
        $$$"""{"type":"clevis","keyslots":["{{{keyslot}}}"],"jwe":{"ciphertext":"c2VjcmV0","encrypted_key":"","iv":"aXY","protected":"{{{B64Url(protectedHeader)}}}","tag":"dGFn"}}""";
}
