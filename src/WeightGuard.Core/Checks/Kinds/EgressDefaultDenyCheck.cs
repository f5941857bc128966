using WeightGuard.Core.Catalog;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>
/// Outbound traffic is denied unless allowed: a firewall loaded at boot has an output chain whose policy is drop and that
/// has no rule accepting everything. By default only hosts holding weights are judged.
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
        var chains = egress.OutputChains;
        var denying = chains.Select((c, i) => (c, i)).Where(x => x.c.Policy == "drop" && !x.c.AcceptsEverything && x.c.LoadedAtBoot != false).ToList();
        if (denying.Count > 0)
        {
            var (c, i) = denying[0];
            return CheckOutcome.Pass($"{c.Firewall} {c.Table} {c.Chain} drops outbound traffic by default ({c.Rules} allow rule(s)) at {c.Source}", EvidencePointer.To("egress", "outputChains", i));
        }
        if (chains.Count == 0) return CheckOutcome.Fail("no firewall configuration filters outbound traffic (no nftables output chain, iptables OUTPUT policy or ufw default)", EvidencePointer.To("egress"));
        var why = chains.Select(c => c.LoadedAtBoot == false ? $"{c.Firewall} {c.Chain} is not loaded at boot"
            : c.AcceptsEverything ? $"{c.Firewall} {c.Chain} has a rule accepting everything ({c.Source})"
            : $"{c.Firewall} {c.Chain} policy is {c.Policy} ({c.Source})");
        return CheckOutcome.Fail(string.Join("; ", why), EvidencePointer.To("egress", "outputChains"));
    }
}
