using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using WeightGuard.Core.Protocol;

namespace WeightGuard.Core.Tests.Protocol;

public class EvidenceBindingTests
{
    [Test]
    public void Digest_covers_only_the_evidence_in_canonical_form()
    {
        using var a = JsonDocument.Parse("{\"reportId\":\"1\",\"evidence\":{\"b\":1,\"a\":[true]}}");
        using var b = JsonDocument.Parse("{ \"evidence\" : { \"a\" : [ true ], \"b\" : 1.0 }, \"reportId\" : \"2\" }");
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes("{\"a\":[true],\"b\":1}"));
        Assert.Multiple(() =>
        {
            Assert.That(EvidenceBinding.EvidenceDigest(a.RootElement), Is.EqualTo(expected));
            Assert.That(EvidenceBinding.EvidenceDigest(b.RootElement), Is.EqualTo(expected));
        });
    }

    [Test]
    public void Changing_one_evidence_value_changes_the_digest()
    {
        using var a = JsonDocument.Parse("{\"evidence\":{\"tpm\":{\"present\":true}}}");
        using var b = JsonDocument.Parse("{\"evidence\":{\"tpm\":{\"present\":false}}}");
        Assert.That(EvidenceBinding.EvidenceDigest(a.RootElement), Is.Not.EqualTo(EvidenceBinding.EvidenceDigest(b.RootElement)));
    }

    [TestCase("{}")]
    [TestCase("{\"evidence\":[]}")]
    [TestCase("[]")]
    public void A_report_without_an_evidence_object_is_a_format_error(string json)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.That(() => EvidenceBinding.EvidenceDigest(doc.RootElement), Throws.TypeOf<FormatException>());
    }

    [Test]
    public void Qualifying_data_is_sha256_of_nonce_then_digest()
    {
        var nonce = RandomNumberGenerator.GetBytes(EvidenceBinding.NonceLength);
        var digest = RandomNumberGenerator.GetBytes(32);
        Assert.That(EvidenceBinding.QualifyingData(nonce, digest), Is.EqualTo(SHA256.HashData([.. nonce, .. digest])));
    }
}

public class EnrollmentTokenTests
{
    [Test]
    public void A_token_round_trips_and_pins_its_ca()
    {
        var ca = RandomNumberGenerator.GetBytes(300);
        var token = EnrollmentToken.Create(ca);
        var parsed = EnrollmentToken.Parse(token.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(token.ToString(), Does.StartWith("wg1."));
            Assert.That(parsed.Secret, Is.EqualTo(token.Secret));
            Assert.That(parsed.SecretHash, Is.EqualTo(token.SecretHash));
            Assert.That(parsed.Pins(ca), Is.True);
            Assert.That(parsed.Pins([.. ca, 0]), Is.False);
        });
    }

    [TestCase("")]
    [TestCase("wg1.abc")]
    [TestCase("wg2.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [TestCase("wg1.AAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [TestCase("wg1.!!!!.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Malformed_tokens_are_format_errors(string text) =>
        Assert.That(() => EnrollmentToken.Parse(text), Throws.TypeOf<FormatException>());
}
