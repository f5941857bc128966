using WeightGuard.Aggregator.Storage;
using WeightGuard.Testing;

namespace WeightGuard.Aggregator.Tests;

/// <summary>The whole path on PostgreSQL: TPM enrolment, an attested report, the host listed.</summary>
[NonParallelizable]
public sealed class PostgresEndToEndTests
{
    [Test]
    public async Task TpmAgentEnrolsAndReportsThroughPostgres()
    {
        var database = PostgresServer.Shared.CreateDatabase();
        await using var aggregator = await TestAggregator.StartAsync(Swtpm.Shared.CaDirectory, database: _ => "postgres:" + database);
        using var tpm = new SwtpmIdentity();
        using var agent = new TestAgent(aggregator, tpm);
        await agent.EnrollAsync(await aggregator.EnrollmentTokenAsync());
        var report = TestReports.Create("gpu-pg-01", aggregator.Clock.GetUtcNow());
        var result = await agent.ReportAsync(report);
        Assert.That(result.Attestation, Is.EqualTo("verified"));
        Assert.That((await agent.ReportAsync(report)).Duplicate, Is.True);
        var host = (await aggregator.Store.ListHostsAsync(new HostQuery())).Hosts.Single();
        Assert.That(host.Latest!.ReportId, Is.EqualTo(report.ReportId));
        Assert.That(host.EkCertified, Is.True);
    }
}
