namespace WeightGuard.Tpm.Tests;

public class Sm3Tests
{
    /// <summary>GB/T 32905-2016 Appendix A (and draft-shen-sm3-hash): example 1, "abc".</summary>
    [Test]
    public void StandardExampleAbc() =>
        Assert.That(Convert.ToHexStringLower(Sm3.Hash("abc"u8)), Is.EqualTo("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"));

    /// <summary>GB/T 32905-2016 Appendix A: example 2, "abcd" sixteen times (64 bytes: the padding needs a second block).</summary>
    [Test]
    public void StandardExampleSixtyFourBytes() =>
        Assert.That(Convert.ToHexStringLower(Sm3.Hash(string.Concat(Enumerable.Repeat("abcd", 16)).Select(c => (byte)c).ToArray())),
            Is.EqualTo("debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"));

    /// <summary>Every padding boundary, against OpenSSL's SM3 (<c>openssl dgst -sm3</c>) on bytes <c>i mod 251</c>.</summary>
    [TestCase(0, "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b")]
    [TestCase(55, "a79cf9dcee3404abf7f769698201647fd9d3ff61d629d0f58bb4b5579a427db8")]
    [TestCase(56, "62f7363b15f4de76dd925c493b9d6d00d4ba0ef2a1f334c1d0f13b293aeb40d1")]
    [TestCase(63, "6165e4cbb15cde01c6226e0015a47f710f8f8e1f2c296700033bb34d9212109c")]
    [TestCase(64, "93566f236d157aae078d1ddb5cebdbba1520b5142e22a8915564345ba2ae1d63")]
    [TestCase(65, "c886e6814be748285a10b28ae62ddacd85db830cd2cf3a2bfa2f729c15f63618")]
    [TestCase(119, "8f3ea392a89a7119982d6634660db1a95f35d68267a2235e3255998a857f4fbf")]
    [TestCase(120, "6babee35e6a1515af9d6255109c24f3c08897829422c6225d235fd4c8527e9ec")]
    [TestCase(1000, "b38fc481302b502c3f2f6608d060c47c5b6bd8fd65e148b7cd3af4988245f48a")]
    public void AgreesWithOpenSslAtEveryPaddingBoundary(int length, string expected) =>
        Assert.That(Convert.ToHexStringLower(Sm3.Hash(Enumerable.Range(0, length).Select(i => (byte)(i % 251)).ToArray())), Is.EqualTo(expected));

    [Test]
    public void TpmHashDispatchesSm3() =>
        Assert.That(TpmHash.Hash(TpmAlgId.Sm3_256, "abc"u8), Is.EqualTo(Sm3.Hash("abc"u8)));
}
