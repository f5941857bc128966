using System.Security.Cryptography;
using WeightGuard.Testing;

namespace WeightGuard.Packaging.Tests.Rpm;

/// <summary>The RPM as <c>rpm -qip</c>, <c>-qlp</c> and <c>--dump</c> show it: the .deb's files, modes and owners.</summary>
public sealed class RpmPackageTests
{
    [Test]
    public void Package_is_named_for_its_version_release_and_architecture()
    {
        Assert.That(Path.GetFileName(RpmBuild.Rpm), Is.EqualTo($"weightguard-agent-{RpmBuild.Version}-1.x86_64.rpm"));
        var info = RpmBuild.Query("-qip", RpmBuild.Rpm);
        Assert.That(info, Does.Match(@"(?m)^Name\s*: weightguard-agent$"));
        Assert.That(info, Does.Match($@"(?m)^Version\s*: {System.Text.RegularExpressions.Regex.Escape(RpmBuild.Version)}$"));
        Assert.That(info, Does.Match(@"(?m)^Release\s*: 1$"));
        Assert.That(info, Does.Match(@"(?m)^Architecture: x86_64$"));
    }

    [Test]
    public void Package_holds_the_binary_the_unit_and_the_configuration_only()
    {
        var files = RpmBuild.Query("-qlp", RpmBuild.Rpm).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(files, Is.EquivalentTo(new[]
        {
            "/etc/weightguard", "/etc/weightguard/agent.yaml", "/usr/bin/weightguard", "/usr/lib/systemd/system/weightguard-agent.service",
        }));
        Assert.That(RpmBuild.Query("-qcp", RpmBuild.Rpm).Trim(), Is.EqualTo("/etc/weightguard/agent.yaml"), "the configuration is a config file");
    }

    [Test]
    public void Unit_and_configuration_are_the_files_the_deb_ships_byte_for_byte()
    {
        // --dump: path size mtime sha256 mode owner group isconfig isdoc rdev symlink
        var dump = RpmBuild.Query("-qp", "--dump", RpmBuild.Rpm).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ')).ToDictionary(f => f[0], f => (Sha256: f[3], Mode: Convert.ToInt32(f[4], 8) & 0xFFF, Owner: $"{f[5]}:{f[6]}"));
        Assert.That(dump["/usr/lib/systemd/system/weightguard-agent.service"].Sha256,
            Is.EqualTo(Sha256(Path.Combine(RepoPaths.Root, "packaging", "systemd", "weightguard-agent.service"))));
        Assert.That(dump["/etc/weightguard/agent.yaml"].Sha256, Is.EqualTo(Sha256(Path.Combine(RepoPaths.Root, "packaging", "config", "agent.yaml"))));
        Assert.Multiple(() =>
        {
            Assert.That(dump["/usr/bin/weightguard"], Is.EqualTo((dump["/usr/bin/weightguard"].Sha256, 0x1ED, "root:root")), "0755");
            Assert.That(dump["/usr/lib/systemd/system/weightguard-agent.service"].Mode, Is.EqualTo(0x1A4), "0644");
            Assert.That((dump["/etc/weightguard"].Mode, dump["/etc/weightguard"].Owner), Is.EqualTo((0x1E8, "root:weightguard")), "0750");
            Assert.That((dump["/etc/weightguard/agent.yaml"].Mode, dump["/etc/weightguard/agent.yaml"].Owner), Is.EqualTo((0x1A0, "root:weightguard")), "0640");
        });
    }

    [Test]
    public void Scriptlets_create_the_account_before_the_files_and_never_add_it_to_disk()
    {
        var scripts = RpmBuild.Query("-qp", "--scripts", RpmBuild.Rpm);
        var pre = scripts[scripts.IndexOf("preinstall scriptlet", StringComparison.Ordinal)..scripts.IndexOf("postinstall scriptlet", StringComparison.Ordinal)];
        Assert.That(pre, Does.Contain("useradd --system").And.Contain("--shell /usr/sbin/nologin"));
        Assert.That(scripts, Does.Contain("--groups tss").And.Not.Contains("--groups disk"));
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
