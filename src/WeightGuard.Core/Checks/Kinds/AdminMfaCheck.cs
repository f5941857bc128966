using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>
/// Administrators cannot sign in over SSH with one factor. It holds when sshd's <c>AuthenticationMethods</c> requires
/// two methods in every list; or when each administrator's SSH keys are all FIDO security keys (<c>sk-…</c>) and
/// passwords are off; or when a second-factor PAM module (pam_u2f, pam_yubico, …) is required in sshd's stack, sshd
/// asks through PAM, and no administrator holds a plain key that would skip it. Fails naming who can sign in with one
/// factor. Where no SSH server is installed, or a Match block changes authentication, the host cannot show it: manual.
/// </summary>
public sealed class AdminMfaCheck : ICheck
{
    private static readonly string[] SecondFactorModules = ["pam_u2f.so", "pam_yubico.so", "pam_google_authenticator.so", "pam_oath.so", "pam_duo.so"];
    private static readonly string[] Blocking = ["required", "requisite"];

    /// <inheritdoc />
    public string Kind => "admin-mfa";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } = [];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Ssh, "ssh", out var ssh) is { } noSsh) return noSsh;
        if (context.Domain(e => e.Privilege, "privilege", out var privilege) is { } noPrivilege) return noPrivilege;
        if (!ssh.Installed)
            return new CheckOutcome(ControlStatus.Manual, "no SSH server: confirm that console and identity-provider sign-in of administrators needs MFA", [EvidencePointer.To("ssh", "installed")]);
        if (ssh.Settings.Count == 0) return CheckOutcome.Error("the sshd configuration could not be read", EvidencePointer.To("ssh", "errors"));
        if (ssh.MatchBlocks.Any(b => b.Settings.Any(s => s.Keyword is "AuthenticationMethods" or "PasswordAuthentication" or "PubkeyAuthentication" or "KbdInteractiveAuthentication")))
            return new CheckOutcome(ControlStatus.Manual, "a Match block changes how some connections authenticate: confirm by hand that administrators need two factors", [EvidencePointer.To("ssh", "matchBlocks")]);

        var s = ssh.Settings.ToDictionary(x => x.Keyword, x => x.Value, StringComparer.Ordinal);
        string V(string k) => s.TryGetValue(k, out var v) ? v : "";
        var lists = V("AuthenticationMethods") is "any" or "" ? [] : V("AuthenticationMethods").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (lists.Length > 0 && lists.All(l => l.Split(',').Length >= 2))
            return CheckOutcome.Pass($"sshd requires two methods in every list (AuthenticationMethods {V("AuthenticationMethods")})", EvidencePointer.To("ssh", "settings"));

        var admins = privilege.RootEquivalent.Where(a => a.Human).Select(a => a.Account).Prepend("root").Distinct(StringComparer.Ordinal).ToList();
        var methodsAllow = (string method) => lists.Length == 0 || lists.Any(l => l == method);
        var passwordAlone = methodsAllow("password") && V("PasswordAuthentication") == "yes";
        var sshdPam = V("UsePAM") == "yes" && V("KbdInteractiveAuthentication") == "yes";
        var pamSecond = context.Evidence.Pam?.Stacks.FirstOrDefault(p => p.Service == "sshd")?.Auth
            .Any(m => SecondFactorModules.Contains(m.Module) && Blocking.Contains(m.Control)) == true;
        var plainKeys = V("PubkeyAuthentication") == "no" || !methodsAllow("publickey") ? []
            : ssh.AuthorizedKeys.Where(k => admins.Contains(k.Account) && k.KeyTypes.Any(t => !t.StartsWith("sk-", StringComparison.Ordinal)))
                .Select(k => k.Account).Distinct(StringComparer.Ordinal).ToList();
        var kbdAlone = methodsAllow("keyboard-interactive") && sshdPam && !pamSecond;

        var problems = new List<string>();
        if (passwordAlone) problems.Add("PasswordAuthentication is yes: a password alone signs in");
        if (kbdAlone) problems.Add("keyboard-interactive through PAM asks for a password with no second-factor module required");
        if (plainKeys.Count > 0) problems.Add($"{string.Join(", ", plainKeys)} can sign in with an SSH key that is not a security key and no second method is required");
        if (problems.Count > 0)
            return CheckOutcome.Fail("administrators can sign in with one factor: " + string.Join("; ", problems), EvidencePointer.To("ssh", "settings"), EvidencePointer.To("ssh", "authorizedKeys"));
        return CheckOutcome.Pass(pamSecond && sshdPam
            ? "sshd requires a second-factor PAM module and no administrator holds a plain SSH key"
            : "administrators' SSH keys are FIDO security keys and passwords are off", EvidencePointer.To("ssh", "authorizedKeys"));
    }
}
