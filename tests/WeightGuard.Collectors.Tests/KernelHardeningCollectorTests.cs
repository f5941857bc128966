using WeightGuard.Collectors.Platform;

namespace WeightGuard.Collectors.Tests;

/// <summary>procfs and sysfs trees shaped like a Debian 12 GPU server's (lockdown via Secure Boot, AMD IOMMU, Yama).</summary>
public class KernelHardeningCollectorTests
{
    [Test]
    public void ReadsAHardenedHost()
    {
        using var tree = new HostTree()
            .Write("/sys/kernel/security/lockdown", "none [integrity] confidentiality\n")
            .Write("/sys/devices/system/cpu/vulnerabilities/spectre_v2", "Mitigation: Retpolines; IBPB: conditional\n")
            .Write("/sys/devices/system/cpu/vulnerabilities/meltdown", "Not affected\n")
            .Write("/proc/sys/kernel/yama/ptrace_scope", "1\n")
            .Write("/proc/sys/fs/suid_dumpable", "0\n")
            .Write("/proc/sys/kernel/core_pattern", "|/lib/systemd/systemd-coredump %P\n")
            .Write("/proc/cmdline", "BOOT_IMAGE=/vmlinuz root=UUID=abc ro amd_iommu=on iommu=pt quiet\n")
            .Write("/sys/module/apparmor/parameters/enabled", "Y\n")
            .Dir("/sys/kernel/iommu_groups/0").Dir("/sys/kernel/iommu_groups/1");
        var p = new KernelHardeningCollector(tree.HostRoot).Collect();
        Assert.Multiple(() =>
        {
            Assert.That(p.Lockdown, Is.EqualTo("integrity"));
            Assert.That((p.IommuActive, p.IommuGroups), Is.EqualTo((true, 2)));
            Assert.That(p.SecurityBootParameters, Is.EqualTo(new[] { "amd_iommu=on", "iommu=pt" }), "root= and the rest of the command line are not kept");
            Assert.That(p.CpuVulnerabilitiesMitigated, Is.True);
            Assert.That((p.PtraceScope, p.SuidDumpable, p.MandatoryAccessControl), Is.EqualTo((1, 0, "apparmor")));
        });
    }

    [Test]
    public void UnmitigatedVulnerabilityAndMissingYamaAreReportedAsTheyAre()
    {
        using var tree = new HostTree()
            .Write("/sys/devices/system/cpu/vulnerabilities/mds", "Vulnerable: Clear CPU buffers attempted, no microcode\n")
            .Write("/proc/sys/fs/suid_dumpable", "2\n")
            .Write("/proc/sys/kernel/core_pattern", "core\n")
            .Dir("/sys/kernel/security");
        var p = new KernelHardeningCollector(tree.HostRoot).Collect();
        Assert.Multiple(() =>
        {
            Assert.That(p.CpuVulnerabilitiesMitigated, Is.False);
            Assert.That(p.PtraceScope, Is.EqualTo(0), "without Yama the classic ptrace rules apply");
            Assert.That(p.Lockdown, Is.Null);
            Assert.That(p.Errors.Select(e => e.Path), Does.Contain("/sys/kernel/security/lockdown"));
            Assert.That(p.MandatoryAccessControl, Is.EqualTo("none"));
        });
    }

    [TestCase("[none] integrity confidentiality", "none")]
    [TestCase("none integrity [confidentiality]", "confidentiality")]
    [TestCase("garbage", null)]
    [TestCase("]broken[", null)]
    public void LockdownSelection(string text, string? expected) => Assert.That(KernelHardeningCollector.SelectedLockdown(text), Is.EqualTo(expected));
}
