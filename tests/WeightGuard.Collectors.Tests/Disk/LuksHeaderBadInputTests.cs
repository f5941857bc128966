using System.Buffers.Binary;
using System.Text;
using WeightGuard.Collectors.Disk;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Tests.Disk;

/// <summary>
/// Damaged and hostile headers, made by editing real cryptsetup images: every one is either recovered the way
/// cryptsetup recovers it (from the other header copy) or rejected with the offset and the problem, without large
/// allocations.
/// </summary>
[TestFixture]
public sealed class LuksHeaderBadInputTests
{
    private static readonly string[] Fast = ["--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000"];

    /// <summary>A parse may allocate its two header copies and the parsed JSON; nothing near what a header can claim.</summary>
    private const long AllocationCeiling = 32L << 20;

    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("wg-luksbad-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private LuksImage Luks2(params string[] extra) => LuksImage.Format(_dir, "v2.img", ["--type", "luks2", .. Fast, .. extra]);

    private static LuksFormatException Rejects(string path)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<LuksFormatException>(() => LuksHeaderParser.ParseFile(path))!;
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(AllocationCeiling));
        Assert.That(error.Message, Does.StartWith($"offset {error.Offset}: "));
        return error;
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Test]
    public void Empty_file_is_truncated_at_offset_0()
    {
        var error = Rejects(Write("empty", []));
        Assert.That((error.Offset, error.Problem), Is.EqualTo((0L, "truncated: 0 bytes where a LUKS header starts")));
    }

    [Test]
    public void Wrong_magic_is_named_with_the_bytes_found()
    {
        var error = Rejects(Write("zeros", new byte[1 << 20]));
        Assert.That(error.Offset, Is.Zero);
        Assert.That(error.Problem, Does.Contain("no LUKS magic (found 000000000000)"));
    }

    [Test]
    public void Truncated_luks1_header_names_where_it_ends()
    {
        var image = LuksImage.Format(_dir, "v1.img", "--type", "luks1", "--pbkdf-force-iterations", "1000");
        var error = Rejects(Write("cut", Luks2Rewriter.ReadAt(image.Path, 0, 300)));
        Assert.That(error.Offset, Is.EqualTo(300));
        Assert.That(error.Problem, Does.Contain("truncated LUKS1 header: 300 of 592"));
    }

    /// <summary>cryptsetup treats any state but enabled as disabled: the slot is not counted, and the odd state is a finding.</summary>
    [Test]
    public void Luks1_key_slot_with_an_unknown_state_is_disabled_and_reported()
    {
        var image = LuksImage.Format(_dir, "v1.img", "--type", "luks1", "--pbkdf-force-iterations", "1000");
        Luks2Rewriter.Poke(image.Path, 208, [0x12, 0x34, 0x56, 0x78]);
        var summary = LuksSummarizer.Summarize(LuksHeaderParser.ParseFile(image.Path));
        Assert.Multiple(() =>
        {
            Assert.That(summary.Keyslots, Is.Empty);
            Assert.That(summary.Findings.Select(f => f.Message), Has.Member("keyslot 0: state 0x12345678 is neither enabled nor disabled; treated as disabled"));
        });
    }

    [TestCase(3, 44, new byte[] { 0, 0, 0x0f, 0x9f }, "key slot 3: 3999 stripes (cryptsetup requires 4000)")]
    [TestCase(1, 40, new byte[] { 0, 0, 0, 8 }, "key slot 1: key material overlaps key slot 0")]
    [TestCase(7, 40, new byte[] { 0, 0, 0x10, 0 }, "key slot 7: key material (sectors 4096+500) runs into the payload at sector 4096")]
    [TestCase(2, 40, new byte[] { 0, 0, 0, 1 }, "key slot 2: key material at sector 1 overlaps the header")]
    public void Luks1_key_slot_bounds_are_checked_as_cryptsetup_does(int slot, int field, byte[] value, string problem)
    {
        var image = LuksImage.Format(_dir, "v1.img", "--type", "luks1", "--key-size", "512", "--pbkdf-force-iterations", "1000");
        Luks2Rewriter.Poke(image.Path, 208 + slot * 48 + field, value);
        var error = Rejects(image.Path);
        Assert.That(error.Problem, Is.EqualTo(problem));
    }

    [Test]
    public void Luks1_device_smaller_than_its_key_slots_is_rejected()
    {
        var image = LuksImage.Format(_dir, "v1.img", "--type", "luks1", "--pbkdf-force-iterations", "1000");
        var cut = Write("cut", Luks2Rewriter.ReadAt(image.Path, 0, 100_000));
        Assert.That(Rejects(cut).Problem, Does.StartWith("device of 100000 bytes is smaller than the LUKS1 key slots"));
    }

    [Test]
    public void Truncated_luks2_header_names_where_the_json_area_ends()
    {
        var image = Luks2();
        var error = Rejects(Write("cut", Luks2Rewriter.ReadAt(image.Path, 0, 10000)));
        Assert.That(error.Offset, Is.EqualTo(10000));
        Assert.That(error.Problem, Does.Contain("JSON area ends here, hdr_size claims 16384"));
    }

    [Test]
    public void Unsupported_version_without_a_secondary_is_named()
    {
        var image = Luks2();
        Luks2Rewriter.Poke(image.Path, 6, [0, 3]);
        Luks2Rewriter.Poke(image.Path, 16384, "XXXXXX"u8);
        var error = Rejects(image.Path);
        Assert.That((error.Offset, error.Problem), Is.EqualTo((6L, "primary header version 3, expected 2")));
    }

    /// <summary>cryptsetup reads any version other than 1 as LUKS2 and falls back on the secondary copy.</summary>
    [Test]
    public void Version_0_primary_with_an_intact_secondary_uses_the_secondary()
    {
        var image = Luks2();
        var seqid = LuksHeaderParser.ParseFile(image.Path).Luks2!.Binary.Seqid;
        Luks2Rewriter.Poke(image.Path, 6, [0, 0]);
        var summary = LuksSummarizer.Summarize(LuksHeaderParser.ParseFile(image.Path));
        Assert.Multiple(() =>
        {
            Assert.That(summary.Cipher, Is.EqualTo("aes-xts-plain64"));
            Assert.That(summary.Headers.Single().InUse, Is.True);
            Assert.That(summary.Findings.Single().Message,
                Is.EqualTo($"primary header version 0, expected 2; using the secondary copy (seqid {seqid})"));
        });
    }

    [Test]
    public void Huge_hdr_size_is_rejected_before_allocating_it()
    {
        var image = Luks2();
        var huge = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(huge, 1UL << 40);
        Luks2Rewriter.Poke(image.Path, 8, huge, copyOffset: null);
        Luks2Rewriter.Poke(image.Path, 16384, "XXXXXX"u8); // no secondary to fall back on
        var error = Rejects(image.Path);
        Assert.That(error.Offset, Is.EqualTo(8));
        Assert.That(error.Problem, Is.EqualTo($"primary header hdr_size {1UL << 40} is outside 16384..4194304"));
    }

    [Test]
    public void Damaged_primary_hdr_size_is_recovered_from_the_secondary()
    {
        var image = Luks2("--luks2-metadata-size", "64k", "--luks2-keyslots-size", "1m");
        var expected = LuksHeaderParser.ParseFile(image.Path).Luks2!.Metadata;
        Luks2Rewriter.Poke(image.Path, 8, [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
        var header = LuksHeaderParser.ParseFile(image.Path).Luks2!;
        Assert.Multiple(() =>
        {
            Assert.That(header.Binary.Offset, Is.EqualTo(65536), "found by probing the known secondary offsets");
            Assert.That(header.Binary.Primary, Is.False);
            Assert.That(header.Metadata.Segments.Select(s => (s.Type, s.Offset, s.Size, s.Encryption, s.SectorSize)),
                Is.EqualTo(expected.Segments.Select(s => (s.Type, s.Offset, s.Size, s.Encryption, s.SectorSize))));
            Assert.That(LuksSummarizer.Summarize(new LuksHeader(null, header)).ChecksumValid, Is.False);
        });
    }

    [Test]
    public void Destroyed_primary_magic_is_recovered_from_the_secondary()
    {
        var image = Luks2();
        Luks2Rewriter.Poke(image.Path, 0, new byte[4096]);
        var summary = LuksSummarizer.Summarize(LuksHeaderParser.ParseFile(image.Path));
        Assert.Multiple(() =>
        {
            Assert.That(summary.Cipher, Is.EqualTo("aes-xts-plain64"));
            Assert.That(summary.Headers.Select(h => h.Offset), Is.EqualTo(new[] { 16384UL }));
            Assert.That(summary.ChecksumValid, Is.False);
        });
    }

    [Test]
    public void Checksum_mismatch_in_both_copies_is_rejected_at_the_checksum_field()
    {
        var image = Luks2();
        Luks2Rewriter.EditJson(image.Path, j => j.Replace("aes-xts-plain64", "aes-xts-plain32"), fixChecksum: false);
        var error = Rejects(image.Path);
        Assert.That(error.Offset, Is.EqualTo(448));
        Assert.That(error.Problem, Does.Contain("primary header checksum mismatch (sha256 over 16384 bytes)"));
    }

    [Test]
    public void Checksum_mismatch_in_the_primary_only_uses_the_secondary_and_says_so()
    {
        var image = Luks2();
        Luks2Rewriter.EditJson(image.Path, j => j.Replace("aes-xts-plain64", "aes-cbc-plain64"), secondary: false, fixChecksum: false);
        var summary = LuksSummarizer.Summarize(LuksHeaderParser.ParseFile(image.Path));
        Assert.Multiple(() =>
        {
            Assert.That(summary.Cipher, Is.EqualTo("aes-xts-plain64"), "the tampered primary is not believed");
            Assert.That(summary.ChecksumValid, Is.False);
            Assert.That(summary.Headers.Select(h => (h.Offset, h.ChecksumValid)), Is.EqualTo(new[] { (0UL, false), (16384UL, true) }));
        });
    }

    /// <summary>cryptsetup keeps both copies and reads the primary; the divergence is reported.</summary>
    [Test]
    public void Copies_with_the_same_seqid_and_different_metadata_use_the_primary_and_say_so()
    {
        var image = Luks2();
        Luks2Rewriter.EditJson(image.Path, j => j.Replace("aes-xts-plain64", "aes-cbc-plain64"), primary: false);
        var summary = LuksSummarizer.Summarize(LuksHeaderParser.ParseFile(image.Path));
        Assert.Multiple(() =>
        {
            Assert.That(summary.Cipher, Is.EqualTo("aes-xts-plain64"));
            Assert.That(summary.Findings.Single().Code, Is.EqualTo(LuksFindingCode.HeaderCopiesDiverge));
            Assert.That(summary.Headers.Select(h => h.InUse), Is.EqualTo(new[] { true, false }));
        });
    }

    /// <summary>The finding of the issue: a newer primary with a valid checksum that fails validation is not believed.</summary>
    [Test]
    public void Newer_primary_that_fails_validation_is_not_believed()
    {
        var image = Luks2();
        var seqid = LuksHeaderParser.ParseFile(image.Path).Luks2!.Binary.Seqid;
        Luks2Rewriter.EditJson(image.Path, j => j.Replace("\"pbkdf2\",\"hash\":\"sha256\",\"iterations\":1000", "\"argon2id\",\"time\":4,\"memory\":1048576,\"cpus\":4")
            .Replace("\"offset\":\"32768\"", "\"offset\":\"16384\""), secondary: false, seqid: seqid + 1);
        var summary = LuksSummarizer.Summarize(LuksHeaderParser.ParseFile(image.Path));
        Assert.Multiple(() =>
        {
            Assert.That(summary.Keyslots[0].Pbkdf!.Type, Is.EqualTo("pbkdf2"), "the older valid copy is used");
            Assert.That(summary.Findings.Single().Message, Is.EqualTo(
                $"primary header fails validation: keyslot 0 area at 16384 lies in the header space (below 32768); using the secondary copy (seqid {seqid})"));
            Assert.That(summary.Headers.Select(h => (h.InUse, h.ChecksumValid)), Is.EqualTo(new[] { (false, true), (true, true) }));
        });
    }

    [Test]
    public void The_copy_with_the_higher_seqid_wins()
    {
        var image = Luks2();
        var seqid = LuksHeaderParser.ParseFile(image.Path).Luks2!.Binary.Seqid;
        Luks2Rewriter.EditJson(image.Path, j => j.Replace("aes-xts-plain64", "aes-cbc-essiv:sha256"), primary: false, seqid: seqid + 1);
        var header = LuksHeaderParser.ParseFile(image.Path).Luks2!;
        Assert.Multiple(() =>
        {
            Assert.That(header.Binary.Seqid, Is.EqualTo(seqid + 1));
            Assert.That(header.Metadata.Segments[0].Encryption, Is.EqualTo("aes-cbc-essiv:sha256"));
        });
    }

    [Test]
    public void Json_area_without_terminator_is_rejected_at_its_end()
    {
        var image = Luks2();
        Luks2Rewriter.FillJsonArea(image.Path, (byte)'{');
        var error = Rejects(image.Path);
        Assert.That((error.Offset, error.Problem), Is.EqualTo((16384L, "primary header fails validation: JSON area has no NUL terminator")));
    }

    [Test]
    public void Deeply_nested_json_is_rejected_at_the_depth_limit()
    {
        var image = Luks2();
        var deep = new string('[', 5000) + new string(']', 5000);
        Luks2Rewriter.EditJson(image.Path, j => j.Replace("\"tokens\":{}", $"\"tokens\":{{}},\"deep\":{deep}"));
        var error = Rejects(image.Path);
        Assert.That(error.Problem, Does.StartWith("primary header fails validation: JSON area is not valid JSON").And.Contain("depth"));
        Assert.That(error.Offset, Is.InRange(4096, 16384), "inside the JSON area");
    }

    [Test]
    public void Syntax_error_offset_points_at_the_bad_byte()
    {
        var image = Luks2();
        var json = Encoding.UTF8.GetString(Luks2Rewriter.ReadAt(image.Path, 4096, 12288)).TrimEnd('\0');
        var at = json.IndexOf("\"segments\"", StringComparison.Ordinal);
        Luks2Rewriter.EditJson(image.Path, j => j.Remove(at, 1).Insert(at, "!"));
        var error = Rejects(image.Path);
        Assert.That(error.Offset, Is.EqualTo(4096 + at));
    }

    [Test]
    public void Huge_json_within_a_4_MiB_header_parses_within_bounds()
    {
        var image = LuksImage.Format(_dir, "big.img", ["--type", "luks2", "--luks2-metadata-size", "4m", "--luks2-keyslots-size", "1m", .. Fast]);
        var filler = new string('x', 4_000_000);
        Luks2Rewriter.EditJson(image.Path, j => j.Replace("\"tokens\":{}", $"\"tokens\":{{\"0\":{{\"type\":\"opaque\",\"keyslots\":[\"0\"],\"data\":\"{filler}\"}}}}"));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var summary = LuksSummarizer.Summarize(LuksHeaderParser.ParseFile(image.Path));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(AllocationCeiling));
        Assert.That(summary.Tokens.Single().Type, Is.EqualTo("opaque"));
    }

    [TestCase("\"keyslots\":{", "\"keyslots\":[],\"x\":{", "keyslots object is missing")]
    [TestCase("\"offset\":\"16777216\"", "\"offset\":16777216", "segment 0 has no offset")]
    [TestCase("\"segments\":{\"0\"", "\"segments\":{\"zero\"", "digest 0 references missing segment 0")]
    [TestCase("\"json_size\":\"12288\"", "\"json_size\":\"8192\"", "metadata size 12288 (json_size + 4096) is not a LUKS2 header size")]
    [TestCase("\"size\":\"dynamic\"", "\"size\":\"-1\"", "segment 0 size \"-1\" is invalid")]
    public void Malformed_metadata_is_named(string find, string replace, string problem)
    {
        var image = Luks2();
        Luks2Rewriter.EditJson(image.Path, j =>
        {
            Assert.That(j, Does.Contain(find));
            return j.Replace(find, replace);
        });
        var error = Rejects(image.Path);
        Assert.That((error.Offset, error.Problem), Is.EqualTo((4096L, "primary header fails validation: " + problem)));
    }

    [Test]
    public void Newer_systemd_tpm2_hash_pcrs_field_is_read()
    {
        var image = Luks2();
        image.ImportToken("""{"type":"systemd-tpm2","keyslots":["0"],"tpm2-blob":"AA==","tpm2-pcrs":[7],"tpm2-pcr-bank":"sha384","tpm2-policy-hash":"00","tpm2-pin":false}""");
        Luks2Rewriter.EditJson(image.Path, j => j.Replace("\"tpm2-pcrs\":[7]", "\"tpm2-hash-pcrs\":[0,7,14]"));
        var token = LuksSummarizer.Summarize(LuksHeaderParser.ParseFile(image.Path)).Tokens.Single();
        Assert.That((string.Join(',', token.Tpm2Pcrs!), token.Tpm2PcrBank, token.Tpm2Pin), Is.EqualTo(("0,7,14", "sha384", false)));
    }

    /// <summary>Found by the fuzz run: invalid UTF-8 inside a JSON string crashed the reader. json-c does not check
    /// UTF-8, so cryptsetup reads such a header; so does WeightGuard, the bad bytes read as U+FFFD.</summary>
    [Test]
    public void Invalid_utf8_inside_a_json_string_is_read()
    {
        var image = Luks2();
        image.ImportToken("""{"type":"opaque","keyslots":["0"],"note":"QQQQ"}""");
        foreach (var copy in new long[] { 0, 16384 })
        {
            var at = Encoding.ASCII.GetString(Luks2Rewriter.ReadAt(image.Path, copy, 16384)).IndexOf("QQQQ", StringComparison.Ordinal);
            Luks2Rewriter.Poke(image.Path, copy + at, [0xF5, 0xC0, 0x80, 0xFF], copyOffset: copy);
        }
        var summary = LuksSummarizer.Summarize(LuksHeaderParser.ParseFile(image.Path));
        Assert.That((summary.Tokens.Single().Type, summary.Findings.Count), Is.EqualTo(("opaque", 0)));
    }

    [Test]
    public void Unreadable_clevis_header_leaves_the_pin_unknown_instead_of_failing()
    {
        var image = Luks2();
        image.ImportToken("""{"type":"clevis","keyslots":["0"],"jwe":{"protected":"!!not base64!!","ciphertext":""}}""");
        var token = LuksSummarizer.Summarize(LuksHeaderParser.ParseFile(image.Path)).Tokens.Single();
        Assert.That((token.Type, token.ClevisPin), Is.EqualTo(("clevis", (string?)null)));
    }
}
