using WeightGuard.Aggregator.Judgement;

namespace WeightGuard.Aggregator.Tests.Dashboard;

/// <summary>PCR drift between two stored quotes.</summary>
public sealed class PcrDriftTests
{
    private static string Quote(params (string Bank, string Index, string Hex)[] pcrs) =>
        "{\"nonce\":\"00\",\"quoted\":\"AA==\",\"signature\":\"AA==\",\"pcrs\":{" + string.Join(",", pcrs.GroupBy(p => p.Bank).Select(g =>
            $"\"{g.Key}\":{{{string.Join(",", g.Select(p => $"\"{p.Index}\":\"{p.Hex}\""))}}}")) + "}}";

    [Test]
    public void ChangedMissingAndAddedPcrsAreDrift()
    {
        var baseline = Quote(("sha256", "0", "aa"), ("sha256", "7", "bb"), ("sha256", "4", "cc"));
        var latest = Quote(("sha256", "0", "AA"), ("sha256", "7", "b0"), ("sha1", "0", "dd"));
        var drift = PcrDrift.Compare(baseline, latest);
        Assert.That(drift, Is.EqualTo(new[]
        {
            new PcrComparison("sha1", 0, null, "dd"),
            new PcrComparison("sha256", 0, "aa", "AA"),
            new PcrComparison("sha256", 4, "cc", null),
            new PcrComparison("sha256", 7, "bb", "b0"),
        }));
        Assert.That(drift.Select(d => d.Drifted), Is.EqualTo(new[] { true, false, true, true }), "hex compares without case");
    }

    [TestCase("")]
    [TestCase("{")]
    [TestCase("null")]
    [TestCase("{\"pcrs\":7}")]
    public void AnUnreadableAttestationGivesNoComparison(string hostile) =>
        Assert.That(PcrDrift.Compare(hostile, Quote(("sha256", "0", "aa"))), Is.Empty);
}
