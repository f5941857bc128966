using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Windows;

/// <summary>
/// The outbound policy of each Windows Firewall profile (Domain, Private, Public) from <c>MSFT_NetFirewallProfile</c>
/// in the ActiveStore (local and Group Policy settings merged, as enforced), as output chains: <c>Enabled</c> (0 false,
/// 1 true, 2 not configured = on) and <c>DefaultOutboundAction</c> (0 not configured = allow, 2 allow, 4 block).
/// Outbound allow rules are not counted.
/// </summary>
public static class WindowsFirewallCollector
{
    /// <summary>The namespace of MSFT_NetFirewallProfile.</summary>
    public const string Namespace = @"root\StandardCimv2";

    /// <summary>What the evidence names as the enforced ruleset.</summary>
    public const string Source = "MSFT_NetFirewallProfile (ActiveStore)";

    /// <summary>Collects egress evidence.</summary>
    public static EgressEvidence Collect(ICimQuery cim)
    {
        try
        {
            var chains = cim.Query(Namespace, "SELECT Name, Enabled, DefaultOutboundAction FROM MSFT_NetFirewallProfile")
                .OrderBy(p => p.Text("Name"), StringComparer.Ordinal).Select(Map).ToList();
            return new EgressEvidence { OutputChains = chains, LiveRuleset = Source };
        }
        catch (CimQueryException e)
        {
            return new EgressEvidence { LiveRulesetError = e.Reason("MSFT_NetFirewallProfile") };
        }
    }

    /// <summary>Maps one profile.</summary>
    public static OutputChain Map(CimRow profile)
    {
        var name = profile.Text("Name") ?? "unnamed";
        var policy = profile.Integer("DefaultOutboundAction") == 4 ? "drop" : "accept";
        return new OutputChain("windows-firewall", "profile", name, policy, 0, false, profile.Integer("Enabled") != 0, $"MSFT_NetFirewallProfile {name}") { Origin = "live" };
    }
}
