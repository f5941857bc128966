using System.IO.Compression;
using WeightGuard.Collectors.Platform;

namespace WeightGuard.Collectors.Tests.Platform;

/// <summary>Lockdown and ptrace scope where securityfs is not mounted or Yama is not built in.</summary>
public class KernelHardeningTests
{
    private static void Config(HostTree tree, string text)
    {
        var path = tree.HostRoot.Resolve("/proc/config.gz");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        gz.Write(System.Text.Encoding.UTF8.GetBytes(text));
    }

    [TestCase("CONFIG_SECURITY_LOCKDOWN_LSM=y\nCONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY=y\n", "quiet", "integrity")]
    [TestCase("CONFIG_SECURITY_LOCKDOWN_LSM=y\n# CONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY is not set\n", "quiet lockdown=confidentiality", "confidentiality")]
    [TestCase("CONFIG_SECURITY_LOCKDOWN_LSM=y\n", "quiet", "none")]
    [TestCase("# CONFIG_SECURITY_LOCKDOWN_LSM is not set\n", "lockdown=integrity", "none")]
    public void Lockdown_from_kernel_config_when_securityfs_is_absent(string config, string cmdline, string expected)
    {
        using var tree = new HostTree().File("/proc/cmdline", cmdline + "\n").Dir("/proc/sys/kernel");
        Config(tree, config);
        var p = new KernelHardeningCollector(tree.HostRoot).Collect();
        Assert.That((p.Lockdown, p.LockdownSource), Is.EqualTo((expected, "kernel-config")));
    }

    [Test]
    public void Securityfs_wins_and_secure_boot_lockdown_is_not_guessed()
    {
        using var tree = new HostTree().File("/sys/kernel/security/lockdown", "none [integrity] confidentiality\n").File("/proc/cmdline", "\n");
        Assert.That(new KernelHardeningCollector(tree.HostRoot).Collect().LockdownSource, Is.EqualTo("securityfs"));
        using var efi = new HostTree().File("/proc/cmdline", "\n").Dir("/sys/firmware/efi");
        Config(efi, "CONFIG_SECURITY_LOCKDOWN_LSM=y\nCONFIG_LOCK_DOWN_IN_EFI_SECURE_BOOT=y\n");
        var p = new KernelHardeningCollector(efi.HostRoot).Collect();
        Assert.That(p.Lockdown, Is.Null);
        Assert.That(p.Errors.Select(e => e.Reason), Has.Some.Contains("locks down under Secure Boot"));
    }

    [Test]
    public void No_yama_means_classic_ptrace_scope_0()
    {
        using var tree = new HostTree().Dir("/proc/sys/kernel").File("/proc/cmdline", "\n");
        var p = new KernelHardeningCollector(tree.HostRoot).Collect();
        Assert.That((p.PtraceScope, p.PtraceScopeSource), Is.EqualTo(((int?)0, "no-yama")));
        tree.File("/proc/sys/kernel/yama/ptrace_scope", "2\n");
        p = new KernelHardeningCollector(tree.HostRoot).Collect();
        Assert.That((p.PtraceScope, p.PtraceScopeSource), Is.EqualTo(((int?)2, "yama")));
    }
}
