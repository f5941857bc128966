namespace WeightGuard.Packaging.Tests.Deb;

/// <summary>The packaged agent unit: valid for systemd, hardened, resource-capped, notify with a watchdog.</summary>
public sealed class AgentUnitTests
{
    private static SystemdUnit Unit => SystemdUnit.Load(Path.Combine(PackageBuild.Files, "usr/lib/systemd/system/weightguard-agent.service"));

    [Test]
    public void Systemd_verifies_the_unit_without_a_warning()
    {
        var (exitCode, output) = Unit.Verify(Path.Combine(PackageBuild.Files, "usr/bin/weightguard"));
        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Is.Empty);
    }

    [Test]
    public void Systemd_rates_the_unit_well_protected() =>
        // systemd-analyze security: 0-1.9 "safe"/"ok" locked down, 10 "unsafe"; a plain root service scores 9.6.
        Assert.That(Unit.Exposure(), Is.LessThanOrEqualTo(3.0));

    [Test]
    public void Runs_the_agent_with_the_packaged_configuration_as_a_notify_service_with_a_watchdog()
    {
        var unit = Unit;
        Assert.Multiple(() =>
        {
            Assert.That(unit.Service("ExecStart"), Is.EqualTo("/usr/bin/weightguard agent run --config /etc/weightguard/agent.yaml"));
            Assert.That(unit.Service("Type"), Is.EqualTo("notify"));
            Assert.That(unit.Service("WatchdogSec"), Is.Not.Null);
            Assert.That(unit.Service("Restart"), Is.EqualTo("on-failure"));
            Assert.That(unit.Values("Install", "WantedBy"), Is.EqualTo(new[] { "multi-user.target" }));
        });
    }

    [Test]
    public void Runs_as_the_service_account_with_read_search_as_its_only_capability()
    {
        var unit = Unit;
        Assert.Multiple(() =>
        {
            Assert.That(unit.Service("User"), Is.EqualTo("weightguard"));
            Assert.That(unit.Service("CapabilityBoundingSet"), Is.EqualTo("CAP_DAC_READ_SEARCH"));
            Assert.That(unit.Service("AmbientCapabilities"), Is.EqualTo("CAP_DAC_READ_SEARCH"));
            Assert.That(unit.Service("NoNewPrivileges"), Is.EqualTo("yes"));
            Assert.That(unit.Service("ProtectSystem"), Is.EqualTo("strict"));
            Assert.That(unit.Service("ProtectHome"), Is.EqualTo("read-only"));
            Assert.That(unit.Service("ProtectKernelTunables"), Is.EqualTo("yes"));
            Assert.That(unit.Service("ProtectControlGroups"), Is.EqualTo("yes"));
            Assert.That(unit.Service("ReadWritePaths"), Is.Null, "writable paths come from StateDirectory and LogsDirectory alone");
            Assert.That(unit.Service("StateDirectory"), Is.EqualTo("weightguard"));
            Assert.That(unit.Service("LogsDirectory"), Is.EqualTo("weightguard"));
            Assert.That(unit.Service("DevicePolicy"), Is.EqualTo("closed"));
            Assert.That(unit.Values("Service", "DeviceAllow"), Is.EquivalentTo(new[] { "/dev/tpmrm0 rw", "block-* r", "char-nvidia* rw" }));
        });
    }

    [Test]
    public void Caps_cpu_memory_and_io_priority()
    {
        var unit = Unit;
        Assert.Multiple(() =>
        {
            Assert.That(unit.Service("CPUQuota"), Is.Not.Null);
            Assert.That(unit.Service("MemoryMax"), Is.Not.Null);
            Assert.That(int.Parse(unit.Service("Nice") ?? "0"), Is.Positive);
            Assert.That(unit.Service("IOSchedulingClass"), Is.EqualTo("idle"));
        });
    }
}
