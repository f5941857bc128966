namespace WeightGuard.Collectors.Platform.Egress;

/// <summary>The enforced outbound chains: nftables chains, and legacy iptables OUTPUT chains by firewall name.</summary>
/// <param name="Nft">Chains of the nftables ruleset (iptables-nft rules included).</param>
/// <param name="Legacy">OUTPUT chains of legacy x_tables (<c>iptables</c>, <c>ip6tables</c>), where any are loaded.</param>
/// <param name="Sources">The commands that were run.</param>
public sealed record LiveChains(IReadOnlyList<NftChain> Nft, IReadOnlyList<(string Firewall, IptablesOutput Output)> Legacy, IReadOnlyList<string> Sources);

/// <summary>
/// The ruleset the kernel enforces now, read-only: <c>nft -j list ruleset</c>, and <c>iptables-legacy-save</c> /
/// <c>ip6tables-legacy-save</c> where installed (legacy tables are invisible to nft). Only meaningful on the running
/// host, and only with CAP_NET_ADMIN: without it netlink refuses nft and the legacy tools refuse too.
/// </summary>
/// <param name="nft">Full path of nft.</param>
/// <param name="legacySaves">Full paths of the legacy save tools with the firewall each reads (<c>iptables</c>, <c>ip6tables</c>).</param>
public sealed class LiveRuleset(string nft, IReadOnlyList<(string Path, string Firewall)> legacySaves)
{
    /// <summary>How nft is run, as the evidence names it.</summary>
    public const string NftCommand = "nft -j list ruleset";

    private const int MaxOutputChars = 64 << 20;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly string[] SearchDirs = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    /// <summary>The installed tools, or null when nft is not installed.</summary>
    public static LiveRuleset? Find()
    {
        string? Tool(string name) => SearchDirs.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
        var legacy = new[] { ("iptables-legacy-save", "iptables"), ("ip6tables-legacy-save", "ip6tables") }
            .Select(t => (Path: Tool(t.Item1), Firewall: t.Item2)).Where(t => t.Path is not null).Select(t => (t.Path!, t.Firewall)).ToList();
        return Tool("nft") is { } nft ? new LiveRuleset(nft, legacy) : null;
    }

    /// <summary>Reads the enforced chains.</summary>
    /// <exception cref="UnauthorizedAccessException">The kernel refused (no CAP_NET_ADMIN).</exception>
    /// <exception cref="IOException">A tool failed otherwise, hung or printed too much.</exception>
    /// <exception cref="InvalidDataException">Its output is not what the tool prints.</exception>
    public LiveChains Read()
    {
        var chains = NftJsonParser.Parse(Run(nft, ["-j", "list", "ruleset"], NftCommand), NftCommand);
        var legacy = new List<(string, IptablesOutput)>();
        var sources = new List<string> { NftCommand };
        foreach (var (path, firewall) in legacySaves)
        {
            var command = Path.GetFileName(path);
            if (IptablesSaveParser.Parse(Run(path, [], command), command) is { } output) legacy.Add((firewall, output));
            sources.Add(command);
        }
        return new LiveChains(chains, legacy, sources);
    }

    private static string Run(string tool, string[] arguments, string command)
    {
        var output = BoundedProcess.Run(tool, arguments, Timeout, MaxOutputChars);
        if (output.ExitCode == 0) return output.Stdout;
        var message = output.Stderr.Trim().ReplaceLineEndings("; ");
        if (message.Contains("Operation not permitted", StringComparison.Ordinal) || message.Contains("Permission denied", StringComparison.Ordinal))
            throw new UnauthorizedAccessException($"{command}: {message} (reading the enforced ruleset needs CAP_NET_ADMIN)");
        throw new IOException($"{command}: exit {output.ExitCode}: {message}");
    }
}
