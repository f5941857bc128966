namespace WeightGuard.Collectors.Platform.Egress;

/// <summary>
/// The ruleset the kernel enforces now, from <c>nft -j list ruleset</c> (read-only). Only meaningful on the running
/// host, and only with CAP_NET_ADMIN: without it nft is refused by netlink. iptables-legacy tables are not in it.
/// </summary>
/// <param name="nft">Full path of the nft executable.</param>
public sealed class NftLiveRuleset(string nft)
{
    /// <summary>What the evidence names as the source.</summary>
    public const string Command = "nft -j list ruleset";

    private const int MaxOutputChars = 64 << 20;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly string[] SearchDirs = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    /// <summary>The installed nft, or null.</summary>
    public static NftLiveRuleset? Find() => SearchDirs.Select(d => Path.Combine(d, "nft")).FirstOrDefault(File.Exists) is { } path ? new NftLiveRuleset(path) : null;

    /// <summary>The chains of the live ruleset.</summary>
    /// <exception cref="UnauthorizedAccessException">The kernel refused (no CAP_NET_ADMIN).</exception>
    /// <exception cref="IOException">nft failed otherwise, hung or printed too much.</exception>
    /// <exception cref="InvalidDataException">Its output is not the JSON expected.</exception>
    public IReadOnlyList<NftChain> Read()
    {
        var output = BoundedProcess.Run(nft, ["-j", "list", "ruleset"], Timeout, MaxOutputChars);
        if (output.ExitCode != 0)
        {
            var message = output.Stderr.Trim().ReplaceLineEndings("; ");
            if (message.Contains("Operation not permitted", StringComparison.Ordinal))
                throw new UnauthorizedAccessException($"{Command}: {message} (reading the live ruleset needs CAP_NET_ADMIN)");
            throw new IOException($"{Command}: exit {output.ExitCode}: {message}");
        }
        return NftJsonParser.Parse(output.Stdout, Command);
    }
}
