using WeightGuard.Tpm.Transport;

namespace WeightGuard.Tpm.Tests;

public class SelectorTests
{
    [Test]
    public void ParsesEveryForm()
    {
        Assert.That(TpmSelector.Parse("auto").Kind, Is.EqualTo(TpmSelectorKind.Auto));
        Assert.That(TpmSelector.Parse("none").Open(), Is.Null);
        Assert.That(TpmSelector.Parse("device:/dev/tpm0"), Is.EqualTo(new TpmSelector(TpmSelectorKind.Device, Path: "/dev/tpm0")));
        Assert.That(TpmSelector.Parse("swtpm:127.0.0.1:2321"), Is.EqualTo(new TpmSelector(TpmSelectorKind.Swtpm, Host: "127.0.0.1", Port: 2321)));
        Assert.That(TpmSelector.Parse("swtpm:::1:2321").Host, Is.EqualTo("::1"));
    }

    [TestCase("")]
    [TestCase("tpm")]
    [TestCase("device:")]
    [TestCase("swtpm:host")]
    [TestCase("swtpm:host:0")]
    [TestCase("swtpm:host:99999")]
    [TestCase("swtpm::2321")]
    public void RejectsMalformedSelectors(string text) =>
        Assert.That(() => TpmSelector.Parse(text), Throws.TypeOf<FormatException>().With.Message.Contains("auto, none, device:PATH or swtpm:HOST:PORT"));

    [Test]
    public void MissingDeviceIsUnavailable()
    {
        var e = Assert.Throws<TpmUnavailableException>(() => TpmSelector.Parse("device:/nonexistent/tpm").Open());
        Assert.That(e!.Message, Does.StartWith("cannot open TPM device /nonexistent/tpm"));
    }

    [Test]
    public void PcrSelectionRoundTripsAndRejectsNonsense()
    {
        var s = PcrSelection.Parse("sha256:7,0,3+sha1:1");
        Assert.That(PcrSelection.Format(s), Is.EqualTo("sha256:0,3,7+sha1:1"));
        Assert.That(() => PcrSelection.Parse("md5:0"), Throws.TypeOf<FormatException>());
        Assert.That(() => PcrSelection.Parse("sha256:64"), Throws.TypeOf<FormatException>());
        Assert.That(() => PcrSelection.Parse("sha256:0+sha256:1"), Throws.TypeOf<FormatException>());
        Assert.That(() => PcrSelection.Parse("sha256"), Throws.TypeOf<FormatException>());
    }
}
