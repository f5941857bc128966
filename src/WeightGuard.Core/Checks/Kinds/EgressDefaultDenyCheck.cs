using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>
/// Outbound traffic is denied unless allowed: an output chain whose policy is drop and that has no rule accepting
/// everything, in the enforced ruleset where it was read, else in the configuration loaded at boot; on Windows, every
/// firewall profile blocks outbound by default and is on. By default only hosts holding weights are judged.
/// </summary>
public sealed class EgressDefaultDenyCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "egress-default-deny";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } =
    [
        new("only-with-weights", ParamType.Boolean, ParamValue.Of("true"), "Not applicable on hosts where no weight file was found."),
    ];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Egress, "egress", out var egress) is { } missing) return missing;
        if (context.Boolean("only-with-weights"))
        {
            if (context.Domain(e => e.Weights, "weights", out var weights) is { } noWeights) return noWeights;
            if (weights.Files.Count == 0) return CheckOutcome.NotApplicable("no weight files on this host", EvidencePointer.To("weights", "files"));
        }
        if (egress.ParseErrors.Count > 0)
            return CheckOutcome.Error($"the firewall configuration cannot be read (the tool would refuse it too): {egress.ParseErrors[0]}", EvidencePointer.To("egress", "parseErrors"));
        // the enforced ruleset, where it was read, is what filters traffic now; otherwise the configuration loaded at boot
        var live = egress.LiveRuleset is not null;
        var judged = egress.OutputChains.Select((c, i) => (Chain: c, Index: i)).Where(x => (x.Chain.Origin == "live") == live).ToList();
        var what = live ? $"the enforced ruleset ({egress.LiveRuleset})" : "the firewall configuration";
        // Windows applies the profile of the network a connection uses, so every profile has to block
        var profiles = judged.Where(x => x.Chain.Firewall == "windows-firewall").ToList();
        if (profiles.Count > 0)
        {
            var open = profiles.Where(x => !Denies(x.Chain)).ToList();
            return open.Count == 0
                ? CheckOutcome.Pass($"every Windows Firewall profile ({string.Join(", ", profiles.Select(x => x.Chain.Chain))}) blocks outbound traffic by default", EvidencePointer.To("egress", "outputChains"))
                : CheckOutcome.Fail(string.Join("; ", open.Select(x => Why(x.Chain))), open.Select(x => EvidencePointer.To("egress", "outputChains", x.Index)));
        }
        var denying = judged.Where(x => Denies(x.Chain)).ToList();
        if (denying.Count > 0)
        {
            var (c, i) = denying[0];
            return CheckOutcome.Pass($"{c.Firewall} {c.Table} {c.Chain} drops outbound traffic by default ({c.Rules} allow rule(s)) at {c.Source}", EvidencePointer.To("egress", "outputChains", i));
        }
        if (judged.Count == 0 && egress.LiveRulesetError is { } liveError)
            return CheckOutcome.Error($"no outbound filtering is configured and the enforced ruleset could not be read: {liveError}", EvidencePointer.To("egress", "liveRulesetError"));
        if (judged.Count == 0)
            return CheckOutcome.Fail($"{what} filters no outbound traffic (no nftables output chain, iptables OUTPUT policy or ufw default)", EvidencePointer.To("egress"));
        return CheckOutcome.Fail(string.Join("; ", judged.Select(x => Why(x.Chain))), judged.Select(x => EvidencePointer.To("egress", "outputChains", x.Index)).Distinct());
    }

    private static bool Denies(OutputChain c) => c.Policy == "drop" && !c.AcceptsEverything && c.LoadedAtBoot != false;

    private static string Why(OutputChain c) => c.LoadedAtBoot == false
        ? c.Firewall == "windows-firewall" ? $"the Windows Firewall {c.Chain} profile is off" : $"{c.Firewall} {c.Chain} is not loaded at boot"
        : c.AcceptsEverything ? $"{c.Firewall} {c.Chain} has a rule accepting everything ({c.Source})"
        : $"{c.Firewall} {c.Table} {c.Chain} policy is {c.Policy} ({c.Source})";
}
