using System.Text;
using WeightGuard.Aggregator.Export;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Aggregator.Tests.Dashboard;

/// <summary>The exported <c>waivers.yaml</c> reads back through the catalogue loader as the same waivers (times and labels included), whatever text an admin typed.</summary>
public sealed class WaiversYamlTests
{
    [TestCase("plain", "gpu-*")]
    [TestCase("key: value # not a comment\nsecond line", "*")]
    [TestCase("\"quoted\" and 'single' and \\backslash", "gpu-?[x]")]
    [TestCase("- not a list\n---\n...", "&anchor")]
    [TestCase("yes", "null")]
    public void WaiversReadBackAsWritten(string justification, string hosts)
    {
        var written = new StoredWaiver(Guid.NewGuid(), "WG-TPM-001", hosts, justification, "ada: admin", new DateOnly(2027, 2, 28), DateTimeOffset.UnixEpoch,
            DateTimeOffset.UnixEpoch.AddDays(3)) { Labels = new Dictionary<string, string> { ["role"] = justification } }.ToWaiver();
        var yaml = Encoding.UTF8.GetString(DecisionsYaml.Waivers([written]));
        var (read, errors) = CatalogLoader.LoadWaivers(new CatalogSource("waivers.yaml", yaml), TestReports.Catalog);
        Assert.That(errors, Is.Empty, yaml);
        var back = read.Single();
        Assert.That(back.Labels, Is.EquivalentTo(written.Labels), yaml);
        Assert.That(back with { Source = written.Source, Labels = written.Labels }, Is.EqualTo(written), yaml);
    }
}
