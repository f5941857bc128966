namespace WeightGuard.Core.Evidence;

/// <summary>
/// Outbound firewall policy: from the persistent nftables, iptables and ufw configuration, from the enforced ruleset
/// when the scan runs on the host itself, and from the Windows Firewall profiles on Windows.
/// </summary>
public sealed record EgressEvidence
{
    /// <summary>Configuration files read.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];
    /// <summary>Every chain that filters outbound traffic.</summary>
    public IReadOnlyList<OutputChain> OutputChains { get; init; } = [];
    /// <summary>Configurations that could not be parsed (the tool would reject them too).</summary>
    public IReadOnlyList<string> ParseErrors { get; init; } = [];
    /// <summary>Paths that could not be read.</summary>
    public IReadOnlyList<PathError> Errors { get; init; } = [];
    /// <summary>Where the enforced ruleset was read (e.g. <c>nft -j list ruleset, iptables-legacy-save</c>, or <c>MSFT_NetFirewallProfile (ActiveStore)</c>); null when only configuration was read.</summary>
    public string? LiveRuleset { get; init; }
    /// <summary>Why the enforced ruleset could not be read (e.g. no CAP_NET_ADMIN), or null.</summary>
    public string? LiveRulesetError { get; init; }
}

/// <summary>A chain on the output path.</summary>
/// <param name="Firewall"><c>nftables</c>, <c>iptables</c>, <c>ip6tables</c>, <c>ufw</c> or <c>windows-firewall</c>.</param>
/// <param name="Table">Table (nftables: <c>family name</c>).</param>
/// <param name="Chain">Chain name.</param>
/// <param name="Policy"><c>accept</c> or <c>drop</c> (reject counts as drop).</param>
/// <param name="Rules">Number of rules in it.</param>
/// <param name="AcceptsEverything">A rule accepts every packet, so the policy never applies.</param>
/// <param name="LoadedAtBoot">The service that loads it is enabled (null when unknown or enforced now); for a Windows Firewall profile, the profile is on.</param>
/// <param name="Source"><c>file:line</c>, or where the live ruleset names the chain.</param>
public sealed record OutputChain(string Firewall, string Table, string Chain, string Policy, int Rules, bool AcceptsEverything, bool? LoadedAtBoot, string Source)
{
    /// <summary><c>configuration</c> (what loads at boot) or <c>live</c> (what the kernel or the firewall service enforces now).</summary>
    public string Origin { get; init; } = "configuration";
}
