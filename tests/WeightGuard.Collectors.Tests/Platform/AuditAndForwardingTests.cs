using WeightGuard.Collectors.Platform;
using WeightGuard.Collectors.Platform.Logging;

namespace WeightGuard.Collectors.Tests.Platform;

/// <summary>Audit rules as augenrules would load them, and log forwarders, on host trees.</summary>
public class AuditAndForwardingTests
{
    private static HostTree Audited() => new HostTree()
        .Dir("/models/llama")
        .File("/etc/audit/rules.d/10-base.rules", "-D\n-b 8192\n--backlog_wait_time 60000\n-f 1\n")
        .File("/etc/audit/rules.d/50-weights.rules", "-w /models -p ra -k weights\n-a always,exit -F arch=b64 -S openat,open -F dir=/srv/models -F key=srv\n" +
                                                     "-a exit,always -F path=/opt/m.safetensors -F perm=wa\n-a never,exit -F path=/tmp/x -F perm=r\n-w /etc/shadow -p wa\n")
        .File("/etc/audit/rules.d/99-finalize.rules", "-e 2\n")
        .File("/etc/audit/audit.rules", "## stale copy that augenrules overwrites\n-w /old -p r\n");

    [Test]
    public void Rules_d_is_read_in_order_with_watches_and_lock()
    {
        using var tree = Audited();
        var l = new LoggingCollector(tree.HostRoot, null).Collect();
        Assert.That(l.RuleFiles, Is.EqualTo(new[] { "/etc/audit/rules.d/10-base.rules", "/etc/audit/rules.d/50-weights.rules", "/etc/audit/rules.d/99-finalize.rules" }));
        Assert.That(l.Watches.Select(w => $"{w.Path} {(w.Subtree ? "tree" : "file")} {w.Permissions} {w.Key}"), Is.EqualTo(new[]
        {
            "/models tree ra weights", "/srv/models tree r srv", "/opt/m.safetensors file wa ", "/etc/shadow file wa ",
        }));
        Assert.That(l.EnabledFlag, Is.EqualTo(2));
        Assert.That(l.RuleErrors, Is.Empty);
        Assert.That(l.AuditdRunning, Is.Null, "a tree without /proc cannot say whether auditd runs");
    }

    [Test]
    public void Audit_rules_alone_are_read_when_rules_d_is_empty_and_D_drops_earlier_watches()
    {
        using var tree = new HostTree().File("/etc/audit/audit.rules", "-w /a -p r\n-D\n-w /b -p r\n-e 1\n");
        var l = new LoggingCollector(tree.HostRoot, null).Collect();
        Assert.That(l.Watches.Select(w => w.Path), Is.EqualTo(new[] { "/b" }));
        Assert.That(l.EnabledFlag, Is.EqualTo(1));
    }

    [TestCase("-w", "-w needs a path")]
    [TestCase("-w /m -p rq", "-p takes letters of rwxa")]
    [TestCase("-a always", "is not list,action")]
    [TestCase("-F path=/x", null)]
    [TestCase("--frobnicate", "unknown option")]
    [TestCase("-e 7", "-e takes 0, 1 or 2")]
    [TestCase("-w relative/path -p r", "is not absolute")]
    public void Bad_rules_are_listed_with_file_line_and_skipped(string rule, string? problem)
    {
        var r = new AuditRulesParser(_ => false).Add("-w /ok -p r\n" + rule + "\n", "/etc/audit/rules.d/x.rules").Result();
        if (problem is null) Assert.That(r.Errors, Is.Empty);
        else Assert.That(r.Errors.Single(), Does.StartWith("/etc/audit/rules.d/x.rules:2: ").And.Contain(problem));
        Assert.That(r.Watches.First().Path, Is.EqualTo("/ok"));
    }

    [Test]
    public void Rules_after_lock_are_not_loaded()
    {
        var r = new AuditRulesParser(_ => false).Add("-e 2\n-w /late -p r\n", "f").Result();
        Assert.That(r.Watches, Is.Empty);
        Assert.That(r.Errors.Single(), Does.Contain("nothing after it is loaded"));
    }

    [Test]
    public void Garbage_and_huge_input_stay_bounded()
    {
        var garbage = string.Concat(Enumerable.Range(0, 1000).Select(i => $"\u0001{i} zz\n"));
        var r = new AuditRulesParser(_ => false).Add(garbage, "g").Result();
        Assert.That(r.Errors, Has.Count.EqualTo(AuditRulesParser.MaxErrors));
        var many = string.Concat(Enumerable.Repeat("-w /x -p r\n", AuditRulesParser.MaxRules + 1));
        Assert.That(Assert.Throws<InvalidDataException>(() => new AuditRulesParser(_ => false).Add(many, "h"))!.Message, Does.Contain("more than 100000 audit rules"));
    }

    [Test]
    public void Forwarders_from_configuration_and_processes()
    {
        using var tree = new HostTree()
            .File("/etc/rsyslog.conf", "module(load=\"imuxsock\")\n$IncludeConfig /etc/rsyslog.d/*.conf\n*.* /var/log/all.log\n")
            .File("/etc/rsyslog.d/60-remote.conf", "# forward everything\nauth,authpriv.* @@(o)logs.example.net:6514\n")
            .File("/etc/systemd/journal-upload.conf", "[Upload]\n# URL=\n")
            .File("/etc/audit/plugins.d/au-remote.conf", "active = yes\ndirection = out\npath = /sbin/audisp-remote\n")
            .File("/etc/audit/audisp-remote.conf", "remote_server = 10.1.2.3\nport = 60\n")
            .File("/etc/vector/vector.toml", "[sinks.out]\ntype = \"console\"\n")
            .File("/proc/10/comm", "rsyslogd\n").File("/proc/10/cmdline", "/usr/sbin/rsyslogd\0-n\0")
            .File("/proc/11/comm", "splunkd\n").File("/proc/11/cmdline", "splunkd\0-p\0");
        var l = new LoggingCollector(tree.HostRoot, ProcessTable.Read(tree.HostRoot)).Collect();
        Assert.That(l.Forwarders.Select(f => $"{f.Name} configured={f.Configured} running={f.Running?.ToString() ?? "?"}"), Is.EqualTo(new[]
        {
            "rsyslog configured=True running=True", "audisp-remote configured=True running=False", "splunkd configured=True running=True",
        }));
        Assert.That(l.Forwarders[0].Detail, Is.EqualTo("/etc/rsyslog.d/60-remote.conf:2 logs.example.net:6514"));
        Assert.That(l.AuditdRunning, Is.False);
    }

    [TestCase("*.* @loghost", "loghost")]
    [TestCase("*.*  @@[2001:db8::1]:514", "[2001:db8::1]:514")]
    [TestCase("action(type=\"omfwd\" target=\"siem.example\" port=\"514\" protocol=\"tcp\")", "siem.example")]
    [TestCase("*.* /var/log/messages", null)]
    [TestCase("mail.* -/var/log/mail.log", null)]
    public void Rsyslog_remote_actions(string line, string? target) => Assert.That(LogForwarderDetector.RsyslogRemote(line), Is.EqualTo(target));
}
