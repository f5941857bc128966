namespace WeightGuard.Core.Evidence;

/// <summary>Outbound firewall policy from the persistent nftables, iptables and ufw configuration.</summary>
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
}

/// <summary>A chain on the output path.</summary>
/// <param name="Firewall"><c>nftables</c>, <c>iptables</c>, <c>ip6tables</c> or <c>ufw</c>.</param>
/// <param name="Table">Table (nftables: <c>family name</c>).</param>
/// <param name="Chain">Chain name.</param>
/// <param name="Policy"><c>accept</c> or <c>drop</c> (reject counts as drop).</param>
/// <param name="Rules">Number of rules in it.</param>
/// <param name="AcceptsEverything">A rule accepts every packet, so the policy never applies.</param>
/// <param name="LoadedAtBoot">The service that loads it is enabled (null when unknown).</param>
/// <param name="Source"><c>file:line</c>.</param>
public sealed record OutputChain(string Firewall, string Table, string Chain, string Policy, int Rules, bool AcceptsEverything, bool? LoadedAtBoot, string Source);
