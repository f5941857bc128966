using WeightGuard.Core.Catalog;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>
/// Few accounts can act as root, each on the allow-list where one is set, no person can become root without a password,
/// no account but root has uid 0, and sudo never switches authentication off.
/// </summary>
public sealed class RootAccessNarrowCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "root-access-narrow";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } =
    [
        new("allowed-accounts", ParamType.StringList, ParamValue.Of([]), "Accounts allowed to act as root; empty: any, within max-accounts."),
        new("max-accounts", ParamType.Integer, ParamValue.Of("3"), "Most accounts (besides root) that may act as root."),
    ];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Privilege, "privilege", out var privilege) is { } missing) return missing;
        if (privilege.SudoersError is { } error) return CheckOutcome.Error($"sudoers cannot be read in full (sudo would refuse it too): {error}", EvidencePointer.To("privilege", "sudoersError"));
        if (privilege.Errors.Count > 0) return CheckOutcome.Error($"{privilege.Errors[0].Path} could not be read ({privilege.Errors[0].Reason})", EvidencePointer.To("privilege", "errors"));
        var allowed = context.List("allowed-accounts");
        var max = context.Integer("max-accounts");
        var accounts = privilege.RootEquivalent;
        var problems = new List<string>();
        var pointers = new List<string>();
        void Flag(string message, int index) { problems.Add(message); pointers.Add(EvidencePointer.To("privilege", "rootEquivalent", index)); }
        for (var i = 0; i < accounts.Count; i++)
        {
            var a = accounts[i];
            if (a.Via.Contains("uid-0")) Flag($"{a.Account} has uid 0", i);
            else if (a.Human && a.NoPassword) Flag($"{a.Account} (a person) becomes root without a password ({string.Join(", ", a.Via)})", i);
            if (allowed.Count > 0 && !allowed.Contains(a.Account)) Flag($"{a.Account} can act as root but is not on the allow-list ({string.Join(", ", a.Via)})", i);
        }
        if (accounts.Count > max)
        {
            problems.Add($"{accounts.Count} accounts can act as root, more than {max}: {string.Join(", ", accounts.Select(a => a.Account))}");
            pointers.Add(EvidencePointer.To("privilege", "rootEquivalent"));
        }
        if (privilege.AuthenticationDisabled.Count > 0)
        {
            problems.Add($"sudo authentication is switched off: {string.Join("; ", privilege.AuthenticationDisabled)}");
            pointers.Add(EvidencePointer.To("privilege", "authenticationDisabled"));
        }
        return problems.Count == 0
            ? CheckOutcome.Pass(accounts.Count == 0
                ? "no account besides root can act as root"
                : $"{accounts.Count} account(s) can act as root, each with a password: {string.Join(", ", accounts.Select(a => a.Account))}", EvidencePointer.To("privilege", "rootEquivalent"))
            : CheckOutcome.Fail(string.Join("; ", problems.Distinct()), pointers.Distinct());
    }
}
