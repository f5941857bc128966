using WeightGuard.Collectors.Access;
using WeightGuard.Collectors.Platform;
using WeightGuard.Collectors.Platform.Ssh;
using WeightGuard.Testing;

namespace WeightGuard.Collectors.Tests.Platform;

/// <summary>sshd_config resolution on host trees with Include and Match, cross-checked against the real sshd -T.</summary>
public class SshdConfigTests
{
    private static SshdConfig Parse(HostTree tree) => new SshdConfigParser(new ConfigFileBudget(tree.HostRoot)).Parse();

    /// <summary>A cloud image's layout: an early Include whose drop-in turns passwords on, then the admin's settings.</summary>
    private static HostTree CloudImage() => new HostTree()
        .File("/etc/ssh/sshd_config", "# managed\nInclude /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM yes\n" +
                                      "Match User backup Address 10.0.0.0/8\n    PasswordAuthentication yes\n    X11Forwarding no\nMatch Group admins\n    PermitRootLogin yes\n")
        .File("/etc/ssh/sshd_config.d/50-cloud-init.conf", "PasswordAuthentication yes\n")
        .File("/etc/ssh/sshd_config.d/60-hardening.conf", "permitrootlogin=prohibit-password\nMaxAuthTries 3 # trailing comment\n")
        .File("/etc/ssh/sshd_config.d/README", "not included: no .conf suffix\n");

    [Test]
    public void First_value_wins_across_includes_and_match_blocks_are_kept()
    {
        using var tree = CloudImage();
        var c = Parse(tree);
        Assert.Multiple(() =>
        {
            Assert.That(c.Value("PasswordAuthentication"), Is.EqualTo("yes"), "the drop-in is read before the main file's later line");
            Assert.That(c.Settings.Single(s => s.Keyword == "PasswordAuthentication").Source, Is.EqualTo("/etc/ssh/sshd_config.d/50-cloud-init.conf:1"));
            Assert.That(c.Value("PermitRootLogin"), Is.EqualTo("prohibit-password"));
            Assert.That(c.Value("MaxAuthTries"), Is.EqualTo("3"));
            Assert.That(c.Value("PubkeyAuthentication"), Is.EqualTo("yes"));
            Assert.That(c.Settings.Single(s => s.Keyword == "PubkeyAuthentication").Source, Is.EqualTo("default"));
            Assert.That(c.MatchBlocks.Select(m => m.Criteria), Is.EqualTo(new[] { "User backup Address 10.0.0.0/8", "Group admins" }));
            Assert.That(c.MatchBlocks[1].Settings.Single().Value, Is.EqualTo("yes"));
        });
    }

    [Test]
    public void Global_values_agree_with_sshd_T()
    {
        var sshd = ExternalTool.Require("sshd");
        if (!Directory.Exists("/run/sshd") && !ExternalTool.InCi) Assert.Ignore("sshd -T needs /run/sshd");
        Directory.CreateDirectory("/run/sshd");
        using var tree = CloudImage();
        // sshd resolves absolute Include paths on this machine, so point them into the tree for the real run
        var main = tree.HostRoot.Resolve("/etc/ssh/sshd_config");
        File.WriteAllText(main, File.ReadAllText(main).Replace("Include /etc/ssh/", $"Include {tree.Root}/etc/ssh/"));
        var key = Path.Combine(tree.Root, "hostkey");
        ExternalTool.Run(ExternalTool.Require("ssh-keygen"), ["-q", "-t", "ed25519", "-N", "", "-f", key]);
        var (rc, stdout, stderr) = ExternalTool.Run(sshd, ["-T", "-f", main, "-h", key]);
        Assert.That(rc, Is.Zero, stderr);
        var real = stdout.Split('\n').Where(l => l.Contains(' ')).GroupBy(l => l[..l.IndexOf(' ')]).ToDictionary(g => g.Key, g => g.First()[(g.First().IndexOf(' ') + 1)..]);
        var ours = new SshdConfigParser(new ConfigFileBudget(HostRoot.Live)).Parse(main);
        foreach (var keyword in new[] { "PermitRootLogin", "PasswordAuthentication", "KbdInteractiveAuthentication", "PermitEmptyPasswords", "PubkeyAuthentication", "UsePAM", "AuthorizedKeysFile", "MaxAuthTries", "AuthenticationMethods" })
            // sshd -T of OpenSSH 9.2 prints prohibit-password by its older alias
            Assert.That(ours.Value(keyword), Is.EqualTo(real[keyword.ToLowerInvariant()].Replace("without-password", "prohibit-password")), keyword);
    }

    [Test]
    public void Match_in_an_included_file_ends_with_that_file()
    {
        using var tree = new HostTree()
            .File("/etc/ssh/sshd_config", "Include extra.conf\nPasswordAuthentication no\n")
            .File("/etc/ssh/extra.conf", "Match User alice\n  PermitRootLogin yes\n");
        var c = Parse(tree);
        Assert.That(c.Value("PasswordAuthentication"), Is.EqualTo("no"), "the line after the Include is global again");
        Assert.That(c.MatchBlocks.Single().Settings.Select(s => s.Keyword), Is.EqualTo(new[] { "PermitRootLogin" }));
    }

    [Test]
    public void Include_inside_a_match_block_belongs_to_the_block()
    {
        using var tree = new HostTree()
            .File("/etc/ssh/sshd_config", "Match Address 192.168.0.0/16\nInclude /etc/ssh/lan.conf\n")
            .File("/etc/ssh/lan.conf", "PasswordAuthentication yes\n");
        var c = Parse(tree);
        Assert.That(c.Settings.Single(s => s.Keyword == "PasswordAuthentication").Source, Is.EqualTo("default"));
        Assert.That(c.MatchBlocks.Single().Settings.Single().Source, Is.EqualTo("/etc/ssh/lan.conf:1"));
    }

    [Test]
    public void Include_loop_stops_at_sshds_depth_with_an_error()
    {
        using var tree = new HostTree().File("/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config\n");
        var e = Assert.Throws<InvalidDataException>(() => Parse(tree));
        Assert.That(e!.Message, Does.Contain("deeper than 16").And.Contain("/etc/ssh/sshd_config:1"));
    }

    [Test]
    public void Glob_fan_out_is_bounded()
    {
        using var tree = new HostTree();
        tree.File("/etc/ssh/sshd_config", "Include /etc/ssh/d/*.conf\n");
        for (var i = 0; i < 600; i++) tree.File($"/etc/ssh/d/{i:D4}.conf", "# empty\n");
        var e = Assert.Throws<InvalidDataException>(() => Parse(tree));
        Assert.That(e!.Message, Does.Contain("more than 512 configuration files"));
    }

    [TestCase("\u0000\u0001\u0002 binary", "NUL bytes")]
    [TestCase("PermitRootLogin maybe\n", "PermitRootLogin value 'maybe'")]
    [TestCase("PasswordAuthentication\n", "missing argument")]
    [TestCase("PermitRootLgin no\n", "Bad configuration option: PermitRootLgin")]
    [TestCase("Match User\n", "Missing Match criteria for User")]
    [TestCase("Match  # no criteria, only a comment\n", "Match without criteria")] // found by fuzzing: was an IndexOutOfRangeException
    [TestCase("{{ template }}\n", "is not a configuration keyword")]
    [TestCase("UsePAM 1\n", "must be yes or no")]
    public void Garbage_is_an_error_naming_file_and_line(string content, string problem)
    {
        using var tree = new HostTree().File("/etc/ssh/sshd_config", "Port 22\n" + content);
        var e = Assert.Throws<InvalidDataException>(() => Parse(tree));
        Assert.That(e!.Message, Does.Contain(problem));
        if (!content.Contains('\0')) Assert.That(e.Message, Does.Contain("/etc/ssh/sshd_config:2"));
    }

    [Test]
    public void Huge_file_is_refused()
    {
        using var tree = new HostTree().File("/etc/ssh/sshd_config", new string('#', (1 << 20) + 10));
        Assert.That(Assert.Throws<InvalidDataException>(() => Parse(tree))!.Message, Does.Contain("larger than"));
    }

    [Test]
    public void Collector_reports_key_types_of_root_and_weight_readers_never_keys()
    {
        const string secretish = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";
        using var tree = new HostTree()
            .File("/etc/ssh/sshd_config", "AuthorizedKeysFile .ssh/authorized_keys /etc/ssh/keys/%u\n")
            .File("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nserve:x:998:998::/var/lib/serve:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/bash\n")
            .File("/root/.ssh/authorized_keys", $"ssh-ed25519 {secretish} admin@laptop\n# old\nfrom=\"10.0.0.1\",command=\"/bin/true\" ssh-rsa AAAAB3NzaC1yc2E= backup\n")
            .File("/etc/ssh/keys/serve", $"restrict sk-ssh-ed25519@openssh.com {secretish} ci\n")
            .File("/home/bob/.ssh/authorized_keys", $"ssh-ed25519 {secretish} bob\n");
        var ssh = new SshCollector(tree.HostRoot, AccountDatabase.Read(tree.HostRoot)).Collect(["serve"]);
        Assert.That(ssh.AuthorizedKeys.Select(k => $"{k.Account} {k.Path} {k.Keys} {string.Join('+', k.KeyTypes)} {k.Restricted}"), Is.EqualTo(new[]
        {
            "root /root/.ssh/authorized_keys 2 ssh-ed25519+ssh-rsa 1",
            "serve /etc/ssh/keys/serve 1 sk-ssh-ed25519@openssh.com 1",
        }));
        var json = System.Text.Json.JsonSerializer.Serialize(ssh, WeightGuard.Core.Reports.WeightGuardJsonContext.Default.SshEvidence);
        Assert.That(json, Does.Not.Contain(secretish).And.Not.Contain("admin@laptop"));
    }

    [Test]
    public void Authorized_keys_garbage_is_an_error_with_line()
    {
        Assert.That(Assert.Throws<InvalidDataException>(() => AuthorizedKeysParser.Parse("ssh-ed25519 AAAA x\nhello world\n", "/root/.ssh/authorized_keys"))!.Message,
            Does.Contain("/root/.ssh/authorized_keys:2"));
    }

    [Test]
    public void No_sshd_means_not_installed()
    {
        using var tree = new HostTree().File("/etc/passwd", "root:x:0:0::/root:/bin/sh\n");
        Assert.That(new SshCollector(tree.HostRoot, AccountDatabase.Read(tree.HostRoot)).Collect([]).Installed, Is.False);
    }
}
