using WeightGuard.Aggregator.Dashboard;
using WeightGuard.Aggregator.Dashboard.Pages;
using WeightGuard.Aggregator.Judgement;
using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Tests.Dashboard;

/// <summary>The host's attestation panel: named PCRs, "not measured" instead of "same" for zeros, warnings, collapsed values.</summary>
public sealed class AttestationPanelTests
{
    private static readonly string Zero = new('0', 64);
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    private static string Hex(char c) => new(c, 64);

    [TestCase(0, "Firmware code")]
    [TestCase(1, "Firmware configuration")]
    [TestCase(2, "Option ROM code")]
    [TestCase(4, "Boot loader code")]
    [TestCase(5, "GPT partition table")]
    [TestCase(7, "Secure Boot policy")]
    [TestCase(9, "kernel, initrd")]
    [TestCase(14, "MokList")]
    [TestCase(18, "Dynamic root of trust")]
    [TestCase(30, "Not defined")]
    public void EveryPcrSaysWhatItMeasures(int index, string words) => Assert.That(PcrRegisters.Measures(index), Does.Contain(words));

    [Test]
    public void AZeroPcrIsNotMeasuredNeverSame()
    {
        Assert.Multiple(() =>
        {
            Assert.That(AttestationPanel.Standing(new PcrComparison("sha256", 3, Zero, Zero)), Is.EqualTo("not measured"));
            Assert.That(AttestationPanel.Standing(new PcrComparison("sha256", 0, Hex('a'), Hex('A'))), Is.EqualTo("same"));
            Assert.That(AttestationPanel.Standing(new PcrComparison("sha256", 7, Hex('a'), Hex('b'))), Is.EqualTo("changed"));
            Assert.That(AttestationPanel.Standing(new PcrComparison("sha256", 7, Hex('a'), Zero)), Is.EqualTo("changed"), "a measured PCR gone back to zero moved");
            Assert.That(AttestationPanel.Standing(new PcrComparison("sha256", 8, null, Hex('a'))), Is.EqualTo("not in the baseline"));
            Assert.That(AttestationPanel.Standing(new PcrComparison("sha256", 8, Hex('a'), null)), Is.EqualTo("not in this quote"));
            Assert.That(PcrRegisters.Unmeasured(""), Is.False, "an empty value is not a zero value");
        });
    }

    [Test]
    public void AnEmptyBankIsOneWarningAndZeroPcrsOfAMeasuredBankAreNamed()
    {
        var pcrs = new[]
        {
            new PcrComparison("sha1", 0, new string('0', 40), new string('0', 40)), new PcrComparison("sha1", 7, new string('0', 40), new string('0', 40)),
            new PcrComparison("sha256", 0, Hex('a'), Hex('a')), new PcrComparison("sha256", 3, Zero, Zero),
        };
        var warnings = AttestationPanel.Warnings(pcrs).Value;
        Assert.That(warnings, Does.Contain("every quoted PCR of the sha1 bank is zero"));
        Assert.That(warnings, Does.Contain("sha256:3 hold no measurement").And.Not.Contain("sha1:0"));
        Assert.That(AttestationPanel.Warnings([new PcrComparison("sha256", 0, Hex('a'), Hex('a'))]).Value.Trim(), Is.Empty, "nothing to warn of");
    }

    [Test]
    public void ChangedPcrsAreNamedOutsideTheCollapsedValues()
    {
        var baseline = new PcrBaseline(Guid.NewGuid(), T0, "{}", null, null);
        var quote = new QuoteAgainstBaseline(Guid.NewGuid(), T0.AddDays(1),
            [new PcrComparison("sha256", 0, Hex('a'), Hex('a')), new PcrComparison("sha256", 7, Hex('b'), Hex('c'))]);
        var html = AttestationPanel.Render("agent-1", baseline, quote, rebaseline: true).Value;
        var values = html.IndexOf("<details>", StringComparison.Ordinal);
        Assert.That(values, Is.GreaterThan(0), "the values are collapsed (no open attribute)");
        Assert.That(html[..values], Does.Contain("1 PCR(s) changed since").And.Contain("<strong>sha256:7</strong> Secure Boot policy"));
        Assert.That(html[values..], Does.Contain(Hex('c')).And.Contain(Hex('b')), "the latest value and, where different, the baseline's");
        Assert.That(html, Does.Contain("/dashboard/hosts/agent-1/baseline?reportId=" + quote.ReportId), "re-baselining leads to its confirmation page");
        Assert.That(AttestationPanel.Render("agent-1", baseline, quote with { ReportId = baseline.ReportId }, rebaseline: true).Value,
            Does.Not.Contain("/baseline?").And.Contain("This quote is the baseline"));
        Assert.That(AttestationPanel.Render("agent-1", null, null, rebaseline: true).Value, Does.Contain("No verified quote yet"));
    }
}
