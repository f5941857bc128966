using WeightGuard.Core.Evidence;
using WeightGuard.Core.Inputs;

namespace WeightGuard.Collectors.Platform.Egress;

/// <summary>
/// Collects the outbound policy that the host's firewall configuration loads at boot: nftables
/// (<c>/etc/nftables.conf</c>, <c>/etc/sysconfig/nftables.conf</c>), iptables-persistent / iptables-services files, and
/// ufw; and, on the running host, the ruleset the kernel enforces now (which needs CAP_NET_ADMIN: without it the
/// evidence says so and keeps the configuration).
/// </summary>
/// <param name="root">The host root.</param>
/// <param name="live">The enforced ruleset's reader; null for a tree that is not the running host, or where nft is not installed.</param>
public sealed class EgressCollector(HostRoot root, LiveRuleset? live = null)
{
    private static readonly string[] NftFiles = ["/etc/nftables.conf", "/etc/sysconfig/nftables.conf"];
    private static readonly (string File, string Firewall, string[] Services)[] IptablesFiles =
    [
        ("/etc/iptables/rules.v4", "iptables", ["netfilter-persistent", "iptables-persistent", "iptables"]),
        ("/etc/iptables/rules.v6", "ip6tables", ["netfilter-persistent", "iptables-persistent", "ip6tables"]),
        ("/etc/sysconfig/iptables", "iptables", ["iptables"]),
        ("/etc/sysconfig/ip6tables", "ip6tables", ["ip6tables"]),
    ];

    /// <summary>Collects egress evidence.</summary>
    public EgressEvidence Collect()
    {
        var chains = new List<OutputChain>();
        var files = new List<string>();
        var parseErrors = new List<string>();
        var errors = new List<PathError>();
        foreach (var file in NftFiles.Where(f => File.Exists(root.Resolve(f))))
        {
            var budget = new ConfigFileBudget(root);
            try
            {
                var loaded = ServiceEnabled("nftables");
                chains.AddRange(new NftRulesetParser(budget).Parse(file).Where(c => c.Hook == "output")
                    .Select(c => new OutputChain("nftables", $"{c.Family} {c.Table}", c.Chain, Verdict(c.Policy), c.Rules, c.AcceptsEverything, loaded, c.Source)));
            }
            catch (InvalidDataException e) { parseErrors.Add(e.Message); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { errors.Add(new PathError(file, e is UnauthorizedAccessException ? "permission denied" : e.Message)); }
            files.AddRange(budget.Files);
        }
        foreach (var (file, firewall, services) in IptablesFiles)
        {
            try
            {
                if (root.ReadText(file, InputKind.FirewallRules) is not { } text) continue;
                files.Add(file);
                if (IptablesSaveParser.Parse(text, file) is { } output)
                    chains.Add(new OutputChain(firewall, "filter", "OUTPUT", Verdict(output.Policy), output.Rules, output.AcceptsEverything, services.Any(ServiceEnabled), output.Source));
            }
            catch (InvalidDataException e) { parseErrors.Add(e.Message); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { errors.Add(new PathError(file, e is UnauthorizedAccessException ? "permission denied" : e.Message)); }
        }
        if (Ufw(errors) is { } ufw)
        {
            files.Add("/etc/default/ufw");
            chains.Add(ufw);
        }
        string? liveError = null;
        LiveChains? enforced = null;
        if (live is not null)
        {
            try
            {
                enforced = live.Read();
                chains.AddRange(enforced.Nft.Where(c => c.Hook == "output")
                    .Select(c => new OutputChain("nftables", $"{c.Family} {c.Table}", c.Chain, Verdict(c.Policy), c.Rules, c.AcceptsEverything, null, c.Source) { Origin = "live" }));
                chains.AddRange(enforced.Legacy.Select(l =>
                    new OutputChain(l.Firewall, "filter", "OUTPUT", Verdict(l.Output.Policy), l.Output.Rules, l.Output.AcceptsEverything, null, l.Output.Source) { Origin = "live" }));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                liveError = e.Message;
            }
        }
        return new EgressEvidence
        {
            Files = files.Distinct().ToList(), OutputChains = chains, ParseErrors = parseErrors, Errors = errors,
            LiveRuleset = enforced is null ? null : string.Join(", ", enforced.Sources), LiveRulesetError = liveError,
        };
    }

    /// <summary>ufw's default outbound policy, in force when <c>/etc/ufw/ufw.conf</c> says <c>ENABLED=yes</c>.</summary>
    private OutputChain? Ufw(List<PathError> errors)
    {
        try
        {
            if (root.ReadText("/etc/default/ufw", InputKind.ConfigFile) is not { } defaults) return null;
            var lines = defaults.Split('\n');
            var index = Array.FindIndex(lines, l => l.Trim().StartsWith("DEFAULT_OUTPUT_POLICY=", StringComparison.Ordinal));
            if (index < 0) return null;
            var policy = lines[index].Trim()["DEFAULT_OUTPUT_POLICY=".Length..].Trim('"', ' ').ToLowerInvariant();
            var enabled = (root.ReadText("/etc/ufw/ufw.conf", InputKind.ConfigFile) ?? "").Split('\n').Any(l => l.Trim() == "ENABLED=yes");
            return new OutputChain("ufw", "ufw", "OUTPUT", Verdict(policy), 0, false, enabled, $"/etc/default/ufw:{index + 1}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            errors.Add(new PathError("/etc/default/ufw", e is UnauthorizedAccessException ? "permission denied" : e.Message));
            return null;
        }
    }

    /// <summary>Reject ends a packet as drop does; everything else that is not drop lets it through.</summary>
    private static string Verdict(string policy) => policy.ToLowerInvariant() is "drop" or "reject" ? "drop" : "accept";

    /// <summary>A systemd unit is enabled: a <c>*.wants/UNIT.service</c> link exists under <c>/etc/systemd/system</c>.</summary>
    private bool ServiceEnabled(string unit) => HostGlob.Expand(root, $"/etc/systemd/system/*.wants/{unit}.service").Count > 0;
}
