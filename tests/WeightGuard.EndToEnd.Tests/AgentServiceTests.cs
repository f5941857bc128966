using WeightGuard.Testing;

namespace WeightGuard.EndToEnd.Tests;

/// <summary>
/// <c>weightguard agent run</c> against the real aggregator: the aggregator goes away and comes back, the agent is
/// killed while it spools, and every report the agent made arrives exactly once.
/// </summary>
[NonParallelizable]
public sealed class AgentServiceTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("weightguard-e2e-agent-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void Reports_spooled_while_the_aggregator_is_away_and_across_a_crash_arrive_exactly_once()
    {
        var tpm = Swtpm.Shared.Selector;
        using var aggregator = AggregatorProcess.Start();
        var tree = EnrolAndUploadTests.HostTreeWithHostname(Path.Combine(_directory, "tree"), "gpu-e2e-agent");
        using var agent = AgentProcess.Configure(_directory, tree);
        var enrol = Programs.RunWeightGuard("enroll", "--server", aggregator.Url.ToString(), "--token", aggregator.CreateEnrollmentToken(),
            "--tpm", tpm, "--state", agent.State, "--name", "gpu-e2e-agent");
        Assert.That(enrol.ExitCode, Is.EqualTo(0), enrol.Stderr);
        var agentId = enrol.Stdout.Trim();

        agent.Start();
        Poll.Until("the aggregator holds 2 reports from the agent", () =>
        {
            agent.AssertRunning();
            return aggregator.ReportIds(agentId).Count >= 2;
        }, () => agent.Log);
        var host = aggregator.FleetHost(agentId);
        Assert.Multiple(() =>
        {
            Assert.That(host.GetProperty("nameMismatch").GetBoolean(), Is.False, "the agent scanned --root, not this machine");
            Assert.That(host.GetProperty("latestReport").GetProperty("attestation").GetString(), Is.EqualTo("verified"));
        });

        aggregator.Stop();
        Poll.Until("3 reports wait in the agent's spool", () =>
        {
            agent.AssertRunning();
            return agent.SpoolDepth >= 3;
        }, () => agent.Status().ToString());

        agent.Stop("KILL");
        var madeBeforeCrash = agent.ScannedReportIds();
        agent.Start();
        Poll.Until("the restarted agent has scanned twice more and still spools", () =>
        {
            agent.AssertRunning();
            return agent.ScannedReportIds().Count >= madeBeforeCrash.Count + 2 && agent.SpoolDepth >= 3;
        }, () => agent.Status().ToString());

        aggregator.Serve();
        Poll.Until("the agent has emptied its spool into the restarted aggregator", () =>
        {
            agent.AssertRunning();
            return agent.SpoolDepth == 0 && aggregator.ReportIds(agentId).Count >= madeBeforeCrash.Count;
        }, () => agent.Status().ToString());
        agent.Stop("TERM");
        // A stop can land between spooling a report and delivering it; one more turn delivers what waits.
        Assert.That(agent.RunOnce(), Is.EqualTo(1), "the tree fails controls: " + agent.Log);

        var made = agent.ScannedReportIds();
        var stored = aggregator.ReportIds(agentId);
        var status = agent.Status();
        Assert.Multiple(() =>
        {
            Assert.That(stored, Is.Unique, "no report is stored twice");
            Assert.That(stored, Is.SubsetOf(made), "the aggregator holds only reports the agent made");
            // kill -9 may land after a scan was logged and before its report reached the spool: that report never existed
            // durably. Every other report must arrive.
            Assert.That(made.Except(stored), Is.SubsetOf(new[] { madeBeforeCrash[^1] }), "no spooled report is lost:\n" + agent.Log);
            Assert.That(status.GetProperty("spoolDepth").GetInt32(), Is.EqualTo(0));
            Assert.That(status.GetProperty("lostReports").GetInt64(), Is.EqualTo(0));
        });
    }
}
