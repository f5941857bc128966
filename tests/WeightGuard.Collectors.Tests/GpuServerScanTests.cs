using WeightGuard.Collectors.Tests.Gpu;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Reports;
using WeightGuard.Testing;

namespace WeightGuard.Collectors.Tests;

/// <summary>
/// A whole GPU server laid out as a tree — the real H100 recording (nvidia-smi outputs, /proc/driver/nvidia, the /dev
/// node modes) plus the configuration files every other collector reads — scanned and judged against every profile:
/// every control of the catalogue gets a verdict backed by evidence, none an error.
/// </summary>
public class GpuServerScanTests
{
    private static readonly string[] Never = [];

    private static HostTree GpuServer(bool ccOn)
    {
        var tree = H100Recording.AddTo(new HostTree(), ccOn)
            .File("/etc/hostname", "gpu-17\n")
            .File("/etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n")
            .File("/proc/sys/kernel/osrelease", "6.1.0-28-amd64\n")
            .File("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nserve:x:998:998::/var/lib/serve:/usr/sbin/nologin\nalice:x:1000:1000::/home/alice:/bin/bash\n")
            .File("/etc/group", "root:x:0:\nsudo:x:27:alice\nserve:x:998:\nalice:x:1000:\n")
            .File("/models/llama/model.gguf", "GGUF\u0003\u0000\u0000\u0000weights", HostTree.Octal("0640"))
            // kernel hardening
            .File("/sys/kernel/security/lockdown", "none [integrity] confidentiality\n")
            .Dir("/sys/kernel/iommu_groups/0").Dir("/sys/kernel/iommu_groups/1")
            .File("/sys/devices/system/cpu/vulnerabilities/spectre_v2", "Mitigation: Enhanced / Automatic IBRS\n")
            .File("/sys/devices/system/cpu/vulnerabilities/meltdown", "Not affected\n")
            .File("/sys/module/apparmor/parameters/enabled", "Y\n")
            .File("/proc/cmdline", "BOOT_IMAGE=/vmlinuz intel_iommu=on iommu=pt\n")
            .File("/proc/sys/kernel/yama/ptrace_scope", "1\n")
            .File("/proc/sys/fs/suid_dumpable", "0\n")
            .File("/proc/sys/kernel/core_pattern", "|/lib/systemd/systemd-coredump %P\n")
            .File("/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c", "\u0006\u0000\u0000\u0000\u0001")
            .File("/sys/firmware/efi/efivars/SetupMode-8be4df61-93ca-11d2-aa0d-00e098032b8c", "\u0006\u0000\u0000\u0000\u0000")
            // access paths
            .File("/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM yes\n")
            .File("/etc/ssh/sshd_config.d/10-crypto.conf", "KexAlgorithms sntrup761x25519-sha512@openssh.com\n")
            .File("/etc/sudoers", "root ALL=(ALL:ALL) ALL\n%sudo ALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n")
            .File("/etc/sudoers.d/serve", "serve ALL=(root) NOPASSWD: /usr/bin/systemctl restart serve\n")
            // logging
            .File("/etc/audit/rules.d/50-weights.rules", "-w /models -p rwa -k weights\n")
            .File("/etc/audit/rules.d/99-finalize.rules", "-e 2\n")
            .File("/etc/rsyslog.d/60-remote.conf", "*.* @@logs.internal:6514\n")
            .File("/proc/1/comm", "systemd\n").File("/proc/1/status", "Uid:\t0\t0\t0\t0\n")
            .File("/proc/200/comm", "auditd\n").File("/proc/300/comm", "rsyslogd\n")
            // egress
            .File("/etc/nftables.conf", "flush ruleset\ntable inet filter {\n  chain output {\n    type filter hook output priority 0; policy drop;\n    oif lo accept\n    ip daddr 10.0.0.0/8 accept\n  }\n}\n")
            .Link("/etc/systemd/system/sysinit.target.wants/nftables.service", "/lib/systemd/system/nftables.service")
            // patches
            .File("/var/lib/dpkg/status", "Package: openssh-server\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:9.2p1-2+deb12u7\n\n")
            .File("/var/lib/apt/lists/sec_dists_bookworm-security_InRelease", "Suite: bookworm-security\n")
            .File("/var/lib/apt/lists/sec_dists_bookworm-security_main_binary-amd64_Packages", "Package: openssh-server\nArchitecture: amd64\nVersion: 1:9.2p1-2+deb12u7\n\n");
        return tree;
    }

    private static (Catalog Catalog, Dictionary<string, ControlResult> Results) ScanAll(HostTree tree)
    {
        var loaded = CatalogLoader.LoadDirectory(RepoPaths.Root);
        Assert.That(loaded.Errors, Is.Empty);
        var catalog = loaded.Catalog!;
        var evidence = EvidenceCollector.Collect(new CollectionOptions(tree.HostRoot, ["/models"]));
        Assert.That(evidence.Failures, Is.Empty, string.Join("; ", evidence.Failures));
        var results = new Dictionary<string, ControlResult>(StringComparer.Ordinal);
        foreach (var profile in catalog.Profiles.Keys)
            foreach (var r in Evaluator.Evaluate(catalog, profile, evidence, DateTimeOffset.UnixEpoch.AddYears(56)).Results)
                results[r.ControlId] = r;
        return (catalog, results);
    }

    [Test]
    public void Every_control_has_a_verdict_and_none_is_an_error()
    {
        using var tree = GpuServer(ccOn: false);
        var (catalog, results) = ScanAll(tree);
        Assert.That(results.Keys, Is.EquivalentTo(catalog.Controls.Keys), "every control is in some profile and was judged");
        var errors = results.Values.Where(r => r.Status == ControlStatus.Error).Select(r => $"{r.ControlId}: {r.Message}").ToList();
        Assert.That(errors, Is.EqualTo(Never));
        Assert.That(results.Values.Where(r => r.Status is ControlStatus.Pass or ControlStatus.Fail).Select(r => r.Evidence.Count), Has.All.GreaterThan(0));
    }

    [Test]
    public void Verdicts_on_the_recorded_H100_server()
    {
        using var tree = GpuServer(ccOn: false);
        var (_, r) = ScanAll(tree);
        Assert.Multiple(() =>
        {
            // the real H100 ran with CC off, 0666 device nodes and profiling open to all users
            Assert.That(r["WG-GPU-001"].Status, Is.EqualTo(ControlStatus.Fail), r["WG-GPU-001"].Message);
            Assert.That(r["WG-GPU-001"].Message, Does.Contain("confidential computing is OFF (CC status)"));
            Assert.That(r["WG-GPU-002"].Status, Is.EqualTo(ControlStatus.Fail));
            Assert.That(r["WG-GPU-002"].Message, Does.Contain("/dev/nvidia0 (0666)").And.Contain("RmProfilingAdminOnly 0"));
            Assert.That(r["WG-GPU-003"].Status, Is.EqualTo(ControlStatus.Pass), r["WG-GPU-003"].Message);
            Assert.That(r["WG-PATCH-001"].Message, Does.Contain("NVIDIA driver 580.159.04"));
            foreach (var id in new[] { "WG-PATCH-001", "WG-SSH-001", "WG-PRIV-001", "WG-LOG-001", "WG-LOG-002", "WG-NET-001", "WG-BOOT-001", "WG-BOOT-004", "WG-PLAT-003" })
                Assert.That(r[id].Status, Is.EqualTo(ControlStatus.Pass), $"{id}: {r[id].Message}");
        });
    }

    [Test]
    public void Derived_cc_on_recording_passes_confidential_computing()
    {
        using var tree = GpuServer(ccOn: true);
        var (_, r) = ScanAll(tree);
        Assert.That(r["WG-GPU-001"].Status, Is.EqualTo(ControlStatus.Pass), r["WG-GPU-001"].Message);
    }

    [Test]
    public void Same_tree_without_a_gpu_makes_gpu_controls_not_applicable()
    {
        using var tree = GpuServer(ccOn: false);
        foreach (var dir in new[] { "/sys/bus/pci", "/proc/driver/nvidia", "/dev", "/var/lib/weightguard" })
            Directory.Delete(tree.HostRoot.Resolve(dir), recursive: true);
        var (_, r) = ScanAll(tree);
        foreach (var id in new[] { "WG-GPU-001", "WG-GPU-002", "WG-GPU-003" })
            Assert.That(r[id].Status, Is.EqualTo(ControlStatus.NotApplicable), $"{id}: {r[id].Message}");
    }
}
