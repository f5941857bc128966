using WeightGuard.Core.Catalog;
using WeightGuard.Core.Checks.Kinds;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Evidence;
using static WeightGuard.Core.Tests.Checks.CheckHarness;

namespace WeightGuard.Core.Tests.Checks;

public class LoggingEgressPatchCheckTests
{
    private static Evidence.Evidence Audit(WeightInventory weights, params AuditWatch[] watches) =>
        Host() with { Weights = weights, Logging = new LoggingEvidence { AuditdRunning = true, Watches = watches, EnabledFlag = 2 } };

    [Test]
    public void Weight_reads_are_covered_by_file_directory_or_link_target_watches()
    {
        var weights = Weights("/models/a.safetensors", "/srv/b.gguf") with
        {
            Files = [new WeightFile { Path = "/models/a.safetensors", Format = "safetensors", Size = 1 }, new WeightFile { Path = "/home/x/.cache/hub/snap/b.gguf", Target = "/srv/blobs/b", Format = "gguf", Size = 1 }],
        };
        var e = Audit(weights, new AuditWatch("/models", true, "r", "weights", "f:1"), new AuditWatch("/srv/blobs", true, "rwa", null, "f:2"));
        Assert.That(Run(new WeightReadsAuditedCheck(), e).Status, Is.EqualTo(ControlStatus.Pass));
    }

    [Test]
    public void Prefix_that_is_not_a_parent_write_only_watches_and_a_file_watch_on_a_directory_do_not_cover()
    {
        var e = Audit(Weights("/models2/a.safetensors", "/models/b.safetensors", "/opt/c.safetensors"),
            new AuditWatch("/models", true, "r", null, "f:1"), new AuditWatch("/models/b.safetensors", false, "wa", null, "f:2"), new AuditWatch("/opt", false, "r", null, "f:3"));
        e = e with { Logging = e.Logging! with { Watches = [e.Logging.Watches[1], e.Logging.Watches[2], new AuditWatch("/models", false, "r", null, "f:1")] } };
        var outcome = Run(new WeightReadsAuditedCheck(), e);
        Assert.That(outcome.Status, Is.EqualTo(ControlStatus.Fail));
        Assert.That(outcome.Message, Does.StartWith("3 of 3 weight file(s) have no audit watch for reads"));
        AssertPointersResolve(e, outcome);
    }

    [Test]
    public void No_weights_is_not_applicable_and_auditd_down_fails()
    {
        Assert.That(Run(new WeightReadsAuditedCheck(), Audit(Weights())).Status, Is.EqualTo(ControlStatus.NotApplicable));
        var down = Audit(Weights("/models/a.gguf"), new AuditWatch("/models", true, "r", null, "f:1"));
        down = down with { Logging = down.Logging! with { AuditdRunning = false } };
        Assert.That(Run(new WeightReadsAuditedCheck(), down).Message, Is.EqualTo("auditd is not running, so no file access is audited"));
    }

    [Test]
    public void Audit_lock_and_forwarding_both_required()
    {
        var shipping = new LogForwarder("rsyslog", true, true, "/etc/rsyslog.d/r.conf:1 logs:514");
        Assert.That(Run(new AuditImmutableAndForwardedCheck(), Host() with { Logging = new LoggingEvidence { AuditdRunning = true, EnabledFlag = 2, Forwarders = [shipping] } }).Status, Is.EqualTo(ControlStatus.Pass));
        var outcome = Run(new AuditImmutableAndForwardedCheck(), Host() with { Logging = new LoggingEvidence { AuditdRunning = true, EnabledFlag = 1, Forwarders = [shipping with { Running = false }] } });
        Assert.That(outcome.Message, Is.EqualTo("audit rules are not locked (last -e is 1, not 2), so root can switch auditing off without a reboot; " +
            "log forwarding is configured but not running (rsyslog), so an intruder with root can erase the record"));
        Assert.That(Run(new AuditImmutableAndForwardedCheck(), Host() with { Logging = new LoggingEvidence { EnabledFlag = 2, Forwarders = [shipping with { Running = null }] } }).Status,
            Is.EqualTo(ControlStatus.Pass), "an offline tree cannot see processes: configuration decides");
    }

    private static Evidence.Evidence Egress(params OutputChain[] chains) => Host() with { Weights = Weights("/models/a.gguf"), Egress = new EgressEvidence { OutputChains = chains } };

    [Test]
    public void Egress_needs_a_loaded_drop_policy_without_accept_all()
    {
        var drop = new OutputChain("nftables", "inet filter", "output", "drop", 3, false, true, "/etc/nftables.conf:10");
        Assert.That(Run(new EgressDefaultDenyCheck(), Egress(drop)).Status, Is.EqualTo(ControlStatus.Pass));
        Assert.That(Run(new EgressDefaultDenyCheck(), Egress(drop with { LoadedAtBoot = false })).Message, Is.EqualTo("nftables output is not loaded at boot"));
        Assert.That(Run(new EgressDefaultDenyCheck(), Egress(drop with { AcceptsEverything = true })).Message, Does.Contain("accepting everything"));
        Assert.That(Run(new EgressDefaultDenyCheck(), Egress()).Status, Is.EqualTo(ControlStatus.Fail));
        Assert.That(Run(new EgressDefaultDenyCheck(), Egress(drop) with { Weights = Weights() }).Status, Is.EqualTo(ControlStatus.NotApplicable));
        Assert.That(Run(new EgressDefaultDenyCheck(), Egress() with { Weights = Weights() }, ("only-with-weights", ParamValue.Of("false"))).Status, Is.EqualTo(ControlStatus.Fail));
        Assert.That(Run(new EgressDefaultDenyCheck(), Host() with { Weights = Weights("/m/a.gguf"), Egress = new EgressEvidence { ParseErrors = ["/etc/nftables.conf:3: bad"] } }).Status, Is.EqualTo(ControlStatus.Error));
    }

    private static Evidence.Evidence Patches(int pending, int age, string? driver = null) => Host() with
    {
        Patches = new PatchEvidence
        {
            PackageManager = "dpkg", Determinable = true, ListsAgeDays = age, InstalledPackages = 400, PendingCount = pending,
            Pending = Enumerable.Range(0, pending).Select(i => new PendingUpdate($"pkg{i}", "1.0-1", "1.0-2", "bookworm-security")).ToList(),
        },
        Gpu = driver is null ? null : new GpuEvidence { Present = true, DriverVersion = driver },
    };

    [Test]
    public void Patches_pending_stale_and_driver_age()
    {
        Assert.That(Run(new PatchesCurrentCheck(), Patches(0, 1, "580.159.04")).Status, Is.EqualTo(ControlStatus.Pass));
        Assert.That(Run(new PatchesCurrentCheck(), Patches(2, 1)).Message, Is.EqualTo("2 security update(s) pending, e.g. pkg0 1.0-1 → 1.0-2, pkg1 1.0-1 → 1.0-2"));
        Assert.That(Run(new PatchesCurrentCheck(), Patches(0, 30)).Message, Does.Contain("30 days old"));
        Assert.That(Run(new PatchesCurrentCheck(), Patches(0, 1, "535.104.05")).Message, Is.EqualTo("NVIDIA driver 535.104.05 is older than 550.0"));
        Assert.That(Run(new PatchesCurrentCheck(), Patches(0, 1, "535.104.05"), ("min-gpu-driver", ParamValue.Of("535.104.5"))).Status, Is.EqualTo(ControlStatus.Pass));
        Assert.That(Run(new PatchesCurrentCheck(), Patches(1, 1), ("max-pending-security", ParamValue.Of("1"))).Status, Is.EqualTo(ControlStatus.Pass));
        Assert.That(new PatchesCurrentCheck().Validate(new Dictionary<string, ParamValue> { ["min-gpu-driver"] = ParamValue.Of("latest") }), Has.Exactly(1).Items);
    }

    [Test]
    public void Rpm_is_an_error_and_dpkg_without_security_suite_fails()
    {
        var rpm = Host() with { Patches = new PatchEvidence { PackageManager = "rpm", Determinable = false, Reason = "RPM-based host" } };
        Assert.That(Run(new PatchesCurrentCheck(), rpm).Status, Is.EqualTo(ControlStatus.Error));
        var dpkg = Host() with { Patches = new PatchEvidence { PackageManager = "dpkg", Determinable = false, Reason = "no package list from a security suite" } };
        Assert.That(Run(new PatchesCurrentCheck(), dpkg).Status, Is.EqualTo(ControlStatus.Fail));
    }
}
