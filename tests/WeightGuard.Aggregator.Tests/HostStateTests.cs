using WeightGuard.Aggregator.Judgement;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Reports;

namespace WeightGuard.Aggregator.Tests;

/// <summary>A host's state: the first that holds of revoked, untrusted, no-report, stale, failing, compliant.</summary>
public sealed class HostStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    private static readonly FleetPolicy Policy = FleetPolicy.Default with { StaleAfter = TimeSpan.FromSeconds(5) };
    private static readonly ProfileAssessment Clean = new("rand-sl1", true, 10, 0, 0, 1, 1, 2, 0);
    private static readonly ProfileAssessment Failing = new("rand-sl3", true, 8, 1, 0, 0, 0, 0, 0);
    private static readonly ProfileAssessment Erring = new("rand-sl3", true, 8, 0, 1, 0, 0, 0, 0);

    private static HostRow Host(bool reported = true, params ProfileAssessment[] assessments) =>
        new("a", "gpu-01", T0, null, false, false, reported
            ? new ReportRow(Guid.NewGuid(), T0, "rand-sl2", "absent", new ReportJudgement(T0, assessments, new RandStanding("SL1", "SL0", 2), [], []), "SL1", "gpu-01")
            : null) { Assessments = assessments };

    [Test]
    public void WaivedAndPendingManualControlsLeaveAHostCompliantButAFailureOrErrorDoesNot()
    {
        var host = Host(true, Clean, Failing);
        Assert.Multiple(() =>
        {
            Assert.That(HostState.Of(host, Clean, Policy, T0), Is.EqualTo(HostState.Compliant));
            Assert.That(HostState.Of(host, Failing, Policy, T0), Is.EqualTo(HostState.Failing));
            Assert.That(HostState.Of(host, null, Policy, T0), Is.EqualTo(HostState.Failing), "the host as a whole: its worst");
            Assert.That(HostState.Of(Host(true, Erring), null, Policy, T0), Is.EqualTo(HostState.Failing));
            Assert.That(HostState.Of(Host(true, Clean), null, Policy, T0), Is.EqualTo(HostState.Compliant));
        });
    }

    [Test]
    public void SilenceLongerThanStaleAfterIsStaleNeverCompliant()
    {
        var host = Host(true, Clean);
        Assert.That(HostState.Of(host, Clean, Policy, T0.AddSeconds(5)), Is.EqualTo(HostState.Compliant), "exactly staleAfter is still fresh");
        Assert.That(HostState.Of(host, Clean, Policy, T0.AddSeconds(6)), Is.EqualTo(HostState.Stale));
        Assert.That(HostState.Of(Host(true, Failing), null, Policy, T0.AddDays(20)), Is.EqualTo(HostState.Stale));
    }

    [Test]
    public void RefusalAfterTheLatestReportOrPcrDriftIsUntrusted()
    {
        var host = Host(true, Clean);
        Assert.Multiple(() =>
        {
            Assert.That(HostState.Of(host with { LastRefusal = new Refusal(T0.AddSeconds(1), "nonce", "already used") }, Clean, Policy, T0.AddSeconds(1)),
                Is.EqualTo(HostState.Untrusted));
            Assert.That(HostState.Of(host with { LastRefusal = new Refusal(T0.AddSeconds(-1), "quote", "bad signature") }, Clean, Policy, T0),
                Is.EqualTo(HostState.Compliant), "a verified report since answers an older refusal");
            Assert.That(HostState.Of(host with { PcrDrift = true }, Clean, Policy, T0), Is.EqualTo(HostState.Untrusted));
            Assert.That(HostState.Of(Host(false) with { LastRefusal = new Refusal(T0, "quote", "x") }, null, Policy, T0), Is.EqualTo(HostState.Untrusted));
        });
    }

    [Test]
    public void NoReportAndRevokedComeBeforeEverythingTheyHide()
    {
        Assert.That(HostState.Of(Host(false), null, Policy, T0.AddDays(1)), Is.EqualTo(HostState.NoReport), "never stale before the first report");
        Assert.That(HostState.Of(Host(true, Failing) with { RevokedAt = T0, PcrDrift = true }, null, Policy, T0.AddDays(1)), Is.EqualTo(HostState.Revoked));
        Assert.That(HostState.All, Is.EquivalentTo(new[] { "compliant", "failing", "stale", "untrusted", "no-report", "revoked" }));
    }
}
