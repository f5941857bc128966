using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>
/// The SSH server refuses root logins and passwords: <c>PermitRootLogin</c> is one of the allowed values,
/// <c>PasswordAuthentication</c> and <c>PermitEmptyPasswords</c> are off, and keyboard-interactive authentication (which
/// asks for the password through PAM) is off where PAM is used, unless <c>AuthenticationMethods</c> leaves no method that
/// takes a password. No Match block may switch these back on. Not applicable where no SSH server is installed.
/// </summary>
public sealed class SshHardenedCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "ssh-hardened";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } =
    [
        new("permit-root-login", ParamType.StringList, ParamValue.Of(["no"]), "Accepted PermitRootLogin values (e.g. add forced-commands-only)."),
    ];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Ssh, "ssh", out var ssh) is { } missing) return missing;
        if (!ssh.Installed) return CheckOutcome.NotApplicable("no SSH server is installed", EvidencePointer.To("ssh", "installed"));
        if (ssh.ConfigError is { } error) return CheckOutcome.Error($"the sshd configuration cannot be resolved (sshd would refuse it too): {error}", EvidencePointer.To("ssh", "configError"));
        if (ssh.Settings.Count == 0) return CheckOutcome.Error("the sshd configuration could not be read", EvidencePointer.To("ssh", "errors"));
        var allowedRoot = context.List("permit-root-login");
        var windows = context.Evidence.Host.Platform == "windows";
        var problems = new List<string>();
        var pointers = new List<string>();
        var global = ssh.Settings.ToDictionary(s => s.Keyword, StringComparer.Ordinal);
        foreach (var p in Problems(global, global, allowedRoot, windows))
        {
            problems.Add(p.Message);
            pointers.Add(EvidencePointer.To("ssh", "settings", ssh.Settings.ToList().FindIndex(s => s.Keyword == p.Keyword)));
        }
        for (var i = 0; i < ssh.MatchBlocks.Count; i++)
        {
            var block = ssh.MatchBlocks[i];
            // inside a Match block, a keyword it does not set keeps its global value
            var effective = new Dictionary<string, SshSetting>(global, StringComparer.Ordinal);
            foreach (var s in block.Settings) effective[s.Keyword] = s;
            foreach (var p in Problems(effective, block.Settings.ToDictionary(s => s.Keyword, StringComparer.Ordinal), allowedRoot, windows))
            {
                problems.Add($"Match {block.Criteria} ({block.Source}): {p.Message}");
                pointers.Add(EvidencePointer.To("ssh", "matchBlocks", i));
            }
        }
        return problems.Count == 0
            ? CheckOutcome.Pass(windows ? "no password authentication" : $"root login {global["PermitRootLogin"].Value}, no password authentication", EvidencePointer.To("ssh", "settings"))
            : CheckOutcome.Fail(string.Join("; ", problems.Distinct()), pointers.Distinct());
    }

    /// <summary>Problems with an effective configuration, reported only for keywords in <paramref name="owned"/>.</summary>
    /// <remarks>Windows has no root account, and its sshd ignores PermitRootLogin.</remarks>
    private static IEnumerable<(string Keyword, string Message)> Problems(IReadOnlyDictionary<string, SshSetting> s, IReadOnlyDictionary<string, SshSetting> owned, IReadOnlyList<string> allowedRoot, bool windows)
    {
        string V(string k) => s[k].Value;
        string From(string k) => s[k].Source == "default" ? "by default" : $"at {s[k].Source}";
        var methods = V("AuthenticationMethods");
        var passwordMethodAllowed = methods == "any" || methods.Contains("password", StringComparison.Ordinal) || methods.Contains("keyboard-interactive", StringComparison.Ordinal);
        if (owned.ContainsKey("PermitRootLogin") && !allowedRoot.Contains(V("PermitRootLogin")) && !windows)
            yield return ("PermitRootLogin", $"PermitRootLogin is {V("PermitRootLogin")} {From("PermitRootLogin")} (allowed: {string.Join(", ", allowedRoot)})");
        if (passwordMethodAllowed && V("PasswordAuthentication") == "yes" && (owned.ContainsKey("PasswordAuthentication") || owned.ContainsKey("AuthenticationMethods")))
            yield return ("PasswordAuthentication", $"PasswordAuthentication is yes {From("PasswordAuthentication")}");
        if (passwordMethodAllowed && V("KbdInteractiveAuthentication") == "yes" && V("UsePAM") == "yes"
            && (owned.ContainsKey("KbdInteractiveAuthentication") || owned.ContainsKey("UsePAM") || owned.ContainsKey("AuthenticationMethods")))
            yield return ("KbdInteractiveAuthentication", $"KbdInteractiveAuthentication is yes {From("KbdInteractiveAuthentication")} with UsePAM yes: PAM asks for passwords");
        if (V("PermitEmptyPasswords") == "yes" && owned.ContainsKey("PermitEmptyPasswords"))
            yield return ("PermitEmptyPasswords", $"PermitEmptyPasswords is yes {From("PermitEmptyPasswords")}");
    }
}
