using WeightGuard.Collectors.Access;
using WeightGuard.Collectors.Platform;
using WeightGuard.Collectors.Platform.Sudo;
using WeightGuard.Testing;

namespace WeightGuard.Collectors.Tests.Platform;

/// <summary>sudoers with includes, aliases and tags, and root-equivalent groups, on host trees (validated by the real visudo).</summary>
public class SudoersTests
{
    private const string Passwd = "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/bash\n" +
                                  "carol:x:1002:1002::/home/carol:/bin/bash\ndeploy:x:997:997::/var/lib/deploy:/usr/sbin/nologin\ntoor:x:0:0::/root:/bin/sh\n";
    private const string Group = "root:x:0:\nsudo:x:27:alice\ndocker:x:999:bob\ndisk:x:6:\nalice:x:1000:\nbob:x:1001:\ncarol:x:1002:\ndeploy:x:997:\n";

    private static HostTree Host() => new HostTree()
        .File("/etc/passwd", Passwd).File("/etc/group", Group)
        .File("/etc/sudoers", "Defaults env_reset\nDefaults:deploy !requiretty\nUser_Alias OPS = carol, \\\n    deploy\nCmnd_Alias SHELLS = /bin/bash, /usr/bin/su\n" +
                              "root ALL=(ALL:ALL) ALL\n%sudo ALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n#include /etc/sudoers.local\n", HostTree.Octal("0440"))
        .File("/etc/sudoers.d/10-ops", "OPS ALL = (root) NOPASSWD: SHELLS, /usr/bin/systemctl restart serve\n", HostTree.Octal("0440"))
        .File("/etc/sudoers.d/20-deploy", "deploy ALL=(www-data) NOPASSWD: /usr/bin/rsync # comment\n", HostTree.Octal("0440"))
        .File("/etc/sudoers.d/ignored.conf", "bob ALL=(ALL) NOPASSWD: ALL\n")
        .File("/etc/sudoers.d/backup~", "bob ALL=(ALL) NOPASSWD: ALL\n")
        .File("/etc/sudoers.local", "bob ALL=(ALL) ALL : ALL=(ALL) NOPASSWD: /usr/bin/apt\n", HostTree.Octal("0440"));

    [Test]
    public void Fixture_is_valid_sudoers()
    {
        var visudo = ExternalTool.Require("visudo");
        using var tree = Host();
        foreach (var f in new[] { "/etc/sudoers.d/10-ops", "/etc/sudoers.d/20-deploy", "/etc/sudoers.local" })
        {
            var (rc, stdout, stderr) = ExternalTool.Run(visudo, ["-c", "-f", tree.HostRoot.Resolve(f)]);
            Assert.That(rc, Is.Zero, stdout + stderr);
        }
    }

    [Test]
    public void Rules_follow_includes_expand_aliases_and_carry_tags()
    {
        using var tree = Host();
        var s = new SudoersParser(new ConfigFileBudget(tree.HostRoot)).Parse();
        Assert.That(s.Rules.Select(r => $"{string.Join(',', r.Principals)} ({string.Join(',', r.RunAs)}) {(r.NoPassword ? "NOPASSWD " : "")}{string.Join(',', r.Commands)} @{r.Source}"), Is.EqualTo(new[]
        {
            "root (ALL) ALL @/etc/sudoers:6",
            "%sudo (ALL) ALL @/etc/sudoers:7",
            "carol,deploy (root) NOPASSWD /bin/bash,/usr/bin/su @/etc/sudoers.d/10-ops:1",
            "carol,deploy (root) NOPASSWD /usr/bin/systemctl restart serve @/etc/sudoers.d/10-ops:1",
            "deploy (www-data) NOPASSWD /usr/bin/rsync @/etc/sudoers.d/20-deploy:1",
            "bob (ALL) ALL @/etc/sudoers.local:1",
            "bob (ALL) NOPASSWD /usr/bin/apt @/etc/sudoers.local:1",
        }));
    }

    [Test]
    public void Root_equivalent_accounts_with_how()
    {
        using var tree = Host();
        var p = new PrivilegeCollector(tree.HostRoot, AccountDatabase.Read(tree.HostRoot)).Collect();
        Assert.That(p.SudoersError, Is.Null);
        Assert.That(p.SudoersFiles, Is.EqualTo(new[] { "/etc/sudoers", "/etc/sudoers.d/10-ops", "/etc/sudoers.d/20-deploy", "/etc/sudoers.local" }));
        Assert.That(p.RootEquivalent.Select(a => $"{a.Account} human={a.Human} nopasswd={a.NoPassword} via={string.Join('+', a.Via)}"), Is.EqualTo(new[]
        {
            "alice human=True nopasswd=False via=sudo:/etc/sudoers:7",
            "bob human=True nopasswd=False via=group:docker+sudo:/etc/sudoers.local:1",
            "carol human=True nopasswd=True via=sudo:/etc/sudoers.d/10-ops:1",
            "deploy human=False nopasswd=True via=sudo:/etc/sudoers.d/10-ops:1",
            "toor human=True nopasswd=True via=uid-0",
        }));
        Assert.That(p.Groups.Select(g => $"{g.Name}:{string.Join(',', g.Members)}"), Is.EquivalentTo(new[] { "docker:bob", "disk:" }));
    }

    [Test]
    public void Authentication_switched_off_is_reported()
    {
        using var tree = new HostTree().File("/etc/passwd", Passwd).File("/etc/group", Group)
            .File("/etc/sudoers", "Defaults !authenticate\n%sudo ALL=(ALL) ALL\n");
        var p = new PrivilegeCollector(tree.HostRoot, AccountDatabase.Read(tree.HostRoot)).Collect();
        Assert.That(p.AuthenticationDisabled, Is.EqualTo(new[] { "Defaults at /etc/sudoers:1" }));
        Assert.That(p.RootEquivalent.Single(a => a.Account == "alice").NoPassword, Is.True);
    }

    [Test]
    public void Include_loop_is_an_error_not_a_hang()
    {
        using var tree = new HostTree().File("/etc/sudoers", "@include /etc/sudoers\n");
        Assert.That(Assert.Throws<InvalidDataException>(() => new SudoersParser(new ConfigFileBudget(tree.HostRoot)).Parse())!.Message,
            Does.Contain("deeper than 16").And.Contain("/etc/sudoers:1"));
    }

    [Test]
    public void Alias_loop_is_an_error()
    {
        using var tree = new HostTree().File("/etc/sudoers", "User_Alias A = B\nUser_Alias B = A\nA ALL=(ALL) ALL\n");
        Assert.That(Assert.Throws<InvalidDataException>(() => new SudoersParser(new ConfigFileBudget(tree.HostRoot)).Parse())!.Message, Does.Contain("alias loop"));
    }

    [TestCase("foo bar baz\n", "neither a rule")]
    [TestCase("alice = ALL\n", "expected 'users hosts ='")]
    [TestCase("alice ALL = (root ALL\n", "unclosed '('")]
    [TestCase("User_Alias lower = alice\n", "is not NAME = items")]
    [TestCase("alice ALL=(ALL) ALL : ALL /bin/ls\n", "expected 'hosts = commands'")]
    public void Garbage_is_an_error_naming_file_and_line_that_visudo_rejects_too(string line, string problem)
    {
        using var tree = new HostTree().File("/etc/sudoers", "root ALL=(ALL) ALL\n" + line);
        var e = Assert.Throws<InvalidDataException>(() => new SudoersParser(new ConfigFileBudget(tree.HostRoot)).Parse());
        Assert.That(e!.Message, Does.Contain("/etc/sudoers:2").And.Contain(problem));
        if (ExternalTool.Find("visudo") is { } visudo)
            Assert.That(ExternalTool.Run(visudo, ["-c", "-f", tree.HostRoot.Resolve("/etc/sudoers")]).ExitCode, Is.Not.Zero);
    }

    [Test]
    public void Binary_and_huge_files_are_refused()
    {
        using var tree = new HostTree().File("/etc/sudoers", "\u0000\u0007garbage");
        Assert.That(Assert.Throws<InvalidDataException>(() => new SudoersParser(new ConfigFileBudget(tree.HostRoot)).Parse())!.Message, Does.Contain("NUL"));
        tree.File("/etc/sudoers", new string('#', (1 << 20) + 1));
        Assert.That(Assert.Throws<InvalidDataException>(() => new SudoersParser(new ConfigFileBudget(tree.HostRoot)).Parse())!.Message, Does.Contain("larger than"));
    }
}
