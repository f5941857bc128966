using WeightGuard.Collectors.Platform.Egress;
using WeightGuard.Testing;

namespace WeightGuard.Collectors.Tests.Platform;

/// <summary>
/// The enforced nftables ruleset: real nft loading a ruleset into a fresh network namespace and listing it as JSON, the
/// same without CAP_NET_ADMIN, and the JSON parser on hostile input.
/// </summary>
[TestFixture]
public sealed class LiveFirewallTests
{
    private const string Ruleset = """
        table inet filter {
          chain output {
            type filter hook output priority filter; policy drop;
            oif "lo" accept
            ct state established,related counter accept comment "replies"
            ip daddr { 10.0.0.0/8 } tcp dport 443 accept
          }
          chain allowlist {
            counter accept
          }
        }
        table ip nat {
          chain out {
            type nat hook output priority -100;
            counter accept
          }
        }
        """;

    private string _dir = "";

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("wg-nft-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    /// <summary>An executable script standing in for a tool: it runs <paramref name="body"/> with the tool's arguments in "$@".</summary>
    private string Wrapper(string body, string name = "nft-wrapper")
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        return path;
    }

    [Test]
    public void Live_ruleset_in_a_network_namespace_is_read_beside_the_configuration()
    {
        HostTree.RequireRoot();
        var nft = ExternalTool.Require("nft");
        var unshare = ExternalTool.Require("unshare");
        var rules = Path.Combine(_dir, "rules.nft");
        File.WriteAllText(rules, Ruleset);
        // a fresh network namespace: load the ruleset there, then run nft as the collector asked
        var live = new LiveRuleset(Wrapper($"exec {unshare} -n sh -c '{nft} -f \"$0\" && exec {nft} \"$@\"' {rules} \"$@\""), []);
        using var tree = new HostTree().File("/etc/nftables.conf", "table inet filter {\n chain output { type filter hook output priority 0; policy accept; }\n}\n");
        var e = new EgressCollector(tree.HostRoot, live).Collect();
        Assert.Multiple(() =>
        {
            Assert.That((e.LiveRuleset, e.LiveRulesetError), Is.EqualTo(("nft -j list ruleset", (string?)null)));
            Assert.That(e.OutputChains.Select(c => $"{c.Origin} {c.Table} {c.Chain} {c.Policy} rules={c.Rules} all={c.AcceptsEverything} boot={c.LoadedAtBoot?.ToString() ?? "?"}"), Is.EqualTo(new[]
            {
                "configuration inet filter output accept rules=0 all=False boot=False",
                "live inet filter output drop rules=3 all=False boot=?",
                "live ip nat out accept rules=1 all=True boot=?",
            }), "the allowlist chain has no hook and is not on the output path");
        });
    }

    [Test]
    public void Without_cap_net_admin_the_live_ruleset_is_an_error_fact_and_the_configuration_stays()
    {
        HostTree.RequireRoot();
        var nft = ExternalTool.Require("nft");
        var setpriv = ExternalTool.Require("setpriv");
        var live = new LiveRuleset(Wrapper($"exec {setpriv} --inh-caps=-all --bounding-set=-net_admin {nft} \"$@\""), []);
        using var tree = new HostTree().File("/etc/nftables.conf", "table inet filter {\n chain output { type filter hook output priority 0; policy drop; }\n}\n");
        var e = new EgressCollector(tree.HostRoot, live).Collect();
        Assert.Multiple(() =>
        {
            Assert.That(e.LiveRuleset, Is.Null);
            Assert.That(e.LiveRulesetError, Does.StartWith("nft -j list ruleset: ").And.Contain("Operation not permitted").And.EndWith("(reading the enforced ruleset needs CAP_NET_ADMIN)"));
            Assert.That(e.OutputChains.Select(c => $"{c.Origin} {c.Chain} {c.Policy}"), Is.EqualTo(new[] { "configuration output drop" }));
        });
    }

    [Test]
    public void Legacy_iptables_tables_that_nft_cannot_see_are_read_too()
    {
        HostTree.RequireRoot();
        var unshare = ExternalTool.Require("unshare");
        var legacy = ExternalTool.Require("iptables-legacy");
        var legacySave = ExternalTool.Require("iptables-legacy-save");
        var nft = Wrapper("echo '{\"nftables\": [{\"metainfo\": {\"json_schema_version\": 1}}]}'");
        var save = Wrapper($"exec {unshare} -n sh -c '{legacy} -P OUTPUT DROP && {legacy} -A OUTPUT -o lo -j ACCEPT && exec {legacySave}'", "save-wrapper");
        using var tree = new HostTree();
        var e = new EgressCollector(tree.HostRoot, new LiveRuleset(nft, [(save, "iptables")])).Collect();
        Assert.Multiple(() =>
        {
            Assert.That((e.LiveRuleset, e.LiveRulesetError), Is.EqualTo(("nft -j list ruleset, save-wrapper", (string?)null)));
            Assert.That(e.OutputChains.Select(c => $"{c.Origin} {c.Firewall} {c.Chain} {c.Policy} rules={c.Rules} {c.Source}"),
                Is.EqualTo(new[] { "live iptables OUTPUT drop rules=1 save-wrapper:5" }));
        });
    }

    [Test]
    public void A_failing_or_garbling_nft_is_an_error_fact()
    {
        using var tree = new HostTree();
        var failing = new EgressCollector(tree.HostRoot, new LiveRuleset(Wrapper("echo 'Error: no such file' >&2; exit 1"), [])).Collect();
        Assert.That(failing.LiveRulesetError, Is.EqualTo("nft -j list ruleset: exit 1: Error: no such file"));
        var garbled = new EgressCollector(tree.HostRoot, new LiveRuleset(Wrapper("echo '{\"nftables\": [ {\"chain\": '"), [])).Collect();
        Assert.That(garbled.LiveRulesetError, Does.StartWith("nft -j list ruleset: "));
    }

    [TestCase("not json", "nft: ")]
    [TestCase("{\"rules\": []}", "no top-level \"nftables\" array")]
    [TestCase("{\"nftables\": [1]}", "object 1 is a Number")]
    [TestCase("{\"nftables\": [{\"rule\": {\"family\": \"inet\", \"table\": \"t\", \"chain\": \"c\", \"expr\": []}}]}", "rule for undeclared chain inet t c")]
    [TestCase("{\"nftables\": [{\"chain\": {\"family\": \"inet\", \"table\": 5, \"name\": \"c\"}}]}", "object 1: \"table\" is missing or not a string")]
    public void Hostile_json_is_a_clear_error(string json, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => NftJsonParser.Parse(json, "nft"));
        Assert.That(e!.Message, Does.StartWith("nft: ").And.Contain(expected));
    }

    [Test]
    public void Nesting_beyond_the_limit_is_refused_before_it_is_walked()
    {
        var deep = "{\"nftables\": [" + new string('[', NftJsonParser.MaxDepth * 4) + new string(']', NftJsonParser.MaxDepth * 4) + "]}";
        Assert.That(Assert.Throws<InvalidDataException>(() => NftJsonParser.Parse(deep, "nft"))!.Message, Does.Contain("depth"));
    }
}
