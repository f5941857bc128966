using WeightGuard.Collectors.Platform;
using WeightGuard.Collectors.Platform.Egress;
using WeightGuard.Testing;

namespace WeightGuard.Collectors.Tests.Platform;

/// <summary>nftables, iptables-save and ufw output policy on host trees; the nft fixtures are checked with the real nft -c.</summary>
public class EgressTests
{
    private const string DenyEgress = """
        #!/usr/sbin/nft -f
        flush ruleset
        define ALLOWED = { 10.0.0.0/8, 192.168.1.10 }
        include "/etc/nftables.d/*.nft"
        table inet filter {
            chain input {
                type filter hook input priority filter; policy drop;
                ct state established,related accept
            }
            chain output {
                type filter hook output priority filter
                policy drop
                oif "lo" accept
                ct state established,related accept comment "replies"
                ip daddr $ALLOWED tcp dport { 443,
                    8443 } accept
            }
        }
        """;

    private static HostTree Nft(string conf) => new HostTree()
        .File("/etc/nftables.conf", conf)
        .File("/etc/nftables.d/10-counters.nft", "table ip extra {\n  chain post { type filter hook postrouting priority 0; }\n}\n")
        .Link("/etc/systemd/system/sysinit.target.wants/nftables.service", "/lib/systemd/system/nftables.service");

    [Test]
    public void Output_chain_with_policy_drop_and_allow_rules()
    {
        using var tree = Nft(DenyEgress);
        var e = new EgressCollector(tree.HostRoot).Collect();
        Assert.That(e.ParseErrors, Is.Empty);
        Assert.That(e.Files, Is.EqualTo(new[] { "/etc/nftables.conf", "/etc/nftables.d/10-counters.nft" }));
        var c = e.OutputChains.Single();
        Assert.That((c.Firewall, c.Table, c.Chain, c.Policy, c.Rules, c.AcceptsEverything, c.LoadedAtBoot, c.Source),
            Is.EqualTo(("nftables", "inet filter", "output", "drop", 3, false, (bool?)true, "/etc/nftables.conf:10")));
    }

    [Test]
    public void Fixtures_are_accepted_by_the_real_nft()
    {
        var nft = ExternalTool.Require("nft");
        using var tree = Nft(DenyEgress.Replace("/etc/nftables.d/", "NFTD/"));
        var conf = tree.HostRoot.Resolve("/etc/nftables.conf");
        File.WriteAllText(conf, File.ReadAllText(conf).Replace("NFTD/", tree.HostRoot.Resolve("/etc/nftables.d/") + "/"));
        var (rc, stdout, stderr) = ExternalTool.Run(nft, ["-c", "-f", conf]);
        if (rc != 0 && stderr.Contains("Operation not permitted") && !ExternalTool.InCi) Assert.Ignore("nft -c needs CAP_NET_ADMIN here");
        Assert.That(rc, Is.Zero, stdout + stderr);
    }

    [Test]
    public void Unconditional_accept_defeats_the_drop_policy_and_command_form_is_read()
    {
        using var tree = new HostTree().File("/etc/nftables.conf",
            "add table inet f\nadd chain inet f out { type filter hook output priority 0 ; policy drop ; }\nadd rule inet f out counter accept\n");
        var c = new EgressCollector(tree.HostRoot).Collect().OutputChains.Single();
        Assert.That((c.Policy, c.Rules, c.AcceptsEverything, c.LoadedAtBoot), Is.EqualTo(("drop", 1, true, (bool?)false)));
    }

    [Test]
    public void Flush_ruleset_in_an_include_drops_earlier_tables()
    {
        using var tree = new HostTree()
            .File("/etc/nftables.conf", "table inet a { chain o { type filter hook output priority 0; policy drop; } }\ninclude \"reset.nft\"\n")
            .File("/etc/reset.nft", "flush ruleset\n");
        Assert.That(new EgressCollector(tree.HostRoot).Collect().OutputChains, Is.Empty);
    }

    [TestCase("table inet f {\n chain o {\n", "opened at line 2 is never closed")]
    [TestCase("}\n", "'}' without a matching '{'")]
    [TestCase("table inet f { chain o { comment \"open\n } }\n", "unterminated string")]
    [TestCase("hello world\n", "'hello' is not an nft command")]
    [TestCase("include \"/etc/missing.nft\"\n", "does not exist")]
    public void Malformed_rulesets_are_errors_with_file_and_line(string conf, string problem)
    {
        using var tree = new HostTree().File("/etc/nftables.conf", conf);
        var e = new EgressCollector(tree.HostRoot).Collect();
        Assert.That(e.ParseErrors.Single(), Does.Contain("/etc/nftables.conf").And.Contain(problem));
    }

    [Test]
    public void Include_loop_and_deep_nesting_are_bounded()
    {
        using var tree = new HostTree().File("/etc/nftables.conf", "include \"/etc/nftables.conf\"\n");
        Assert.That(new EgressCollector(tree.HostRoot).Collect().ParseErrors.Single(), Does.Contain("deeper than 16"));
        tree.File("/etc/nftables.conf", new string('{', 100));
        Assert.That(new EgressCollector(tree.HostRoot).Collect().ParseErrors.Single(), Does.Contain("nested deeper than 64"));
    }

    [Test]
    public void Iptables_persistent_output_drop_and_ufw()
    {
        using var tree = new HostTree()
            .File("/etc/iptables/rules.v4", "# Generated by iptables-save\n*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT DROP [0:0]\n-A OUTPUT -o lo -j ACCEPT\n-A OUTPUT -d 10.0.0.0/8 -j ACCEPT\nCOMMIT\n")
            .File("/etc/iptables/rules.v6", "*filter\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -j ACCEPT\nCOMMIT\n")
            .Link("/etc/systemd/system/multi-user.target.wants/netfilter-persistent.service", "/lib/systemd/system/netfilter-persistent.service")
            .File("/etc/default/ufw", "IPV6=yes\nDEFAULT_OUTPUT_POLICY=\"REJECT\"\n").File("/etc/ufw/ufw.conf", "ENABLED=no\n");
        var e = new EgressCollector(tree.HostRoot).Collect();
        Assert.That(e.OutputChains.Select(c => $"{c.Firewall} {c.Policy} rules={c.Rules} all={c.AcceptsEverything} boot={c.LoadedAtBoot}"), Is.EqualTo(new[]
        {
            "iptables drop rules=2 all=False boot=True", "ip6tables accept rules=1 all=True boot=True", "ufw drop rules=0 all=False boot=False",
        }));
    }

    [TestCase("*filter\n:OUTPUT DROP [0:0]\n", "has no COMMIT")]
    [TestCase(":OUTPUT DROP\n", "outside a table")]
    [TestCase("*filter\nrandom words\nCOMMIT\n", "is not iptables-save syntax")]
    [TestCase("*filter\n-X OUTPUT\nCOMMIT\n", "is not -A CHAIN")]
    public void Malformed_iptables_save_is_an_error_with_line(string text, string problem) =>
        Assert.That(Assert.Throws<InvalidDataException>(() => IptablesSaveParser.Parse(text, "rules.v4"))!.Message, Does.StartWith("rules.v4:").And.Contain(problem));

    [Test]
    public void Huge_ruleset_is_refused()
    {
        using var tree = new HostTree().File("/etc/nftables.conf", string.Concat(Enumerable.Repeat("# filler line for size\n", 50_000)));
        Assert.That(new EgressCollector(tree.HostRoot).Collect().ParseErrors.Single(), Does.Contain("larger than"));
    }
}
