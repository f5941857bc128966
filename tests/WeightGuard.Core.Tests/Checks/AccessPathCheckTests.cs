using WeightGuard.Core.Catalog;
using WeightGuard.Core.Checks.Kinds;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Evidence;
using static WeightGuard.Core.Tests.Checks.CheckHarness;

namespace WeightGuard.Core.Tests.Checks;

public class AccessPathCheckTests
{
    private static SshEvidence Ssh(params (string Keyword, string Value)[] set)
    {
        var values = new Dictionary<string, string>
        {
            ["PermitRootLogin"] = "no", ["PasswordAuthentication"] = "no", ["KbdInteractiveAuthentication"] = "no", ["PermitEmptyPasswords"] = "no",
            ["PubkeyAuthentication"] = "yes", ["AuthenticationMethods"] = "any", ["UsePAM"] = "yes",
        };
        foreach (var (k, v) in set) values[k] = v;
        return new SshEvidence { Installed = true, Settings = values.Select(kv => new SshSetting(kv.Key, kv.Value, "/etc/ssh/sshd_config:1")).ToList() };
    }

    [Test]
    public void Hardened_sshd_passes()
    {
        Assert.That(Run(new SshHardenedCheck(), Host() with { Ssh = Ssh() }).Status, Is.EqualTo(ControlStatus.Pass));
    }

    [TestCase("PermitRootLogin", "prohibit-password", "PermitRootLogin is prohibit-password")]
    [TestCase("PasswordAuthentication", "yes", "PasswordAuthentication is yes")]
    [TestCase("KbdInteractiveAuthentication", "yes", "PAM asks for passwords")]
    [TestCase("PermitEmptyPasswords", "yes", "PermitEmptyPasswords is yes")]
    public void Each_weakness_fails_with_its_source(string keyword, string value, string message)
    {
        var e = Host() with { Ssh = Ssh((keyword, value)) };
        var outcome = Run(new SshHardenedCheck(), e);
        Assert.That(outcome.Status, Is.EqualTo(ControlStatus.Fail));
        Assert.That(outcome.Message, Does.Contain(message).And.Contain("/etc/ssh/sshd_config:1"));
        AssertPointersResolve(e, outcome);
    }

    [Test]
    public void Publickey_only_authentication_methods_or_no_pam_make_password_settings_moot()
    {
        Assert.That(Run(new SshHardenedCheck(), Host() with { Ssh = Ssh(("PasswordAuthentication", "yes"), ("AuthenticationMethods", "publickey")) }).Status, Is.EqualTo(ControlStatus.Pass));
        Assert.That(Run(new SshHardenedCheck(), Host() with { Ssh = Ssh(("KbdInteractiveAuthentication", "yes"), ("UsePAM", "no")) }).Status, Is.EqualTo(ControlStatus.Pass));
    }

    [Test]
    public void A_match_block_that_reenables_passwords_fails_and_one_that_tightens_passes()
    {
        var reopen = Host() with { Ssh = Ssh() with { MatchBlocks = [new SshMatchBlock("User backup", "/etc/ssh/sshd_config:20", [new SshSetting("PasswordAuthentication", "yes", "/etc/ssh/sshd_config:21")])] } };
        var outcome = Run(new SshHardenedCheck(), reopen);
        Assert.That(outcome.Message, Is.EqualTo("Match User backup (/etc/ssh/sshd_config:20): PasswordAuthentication is yes at /etc/ssh/sshd_config:21"));
        Assert.That(outcome.Evidence, Is.EqualTo(new[] { "/evidence/ssh/matchBlocks/0" }));
        var tighten = Host() with { Ssh = Ssh() with { MatchBlocks = [new SshMatchBlock("Address 0.0.0.0/0", "f:1", [new SshSetting("MaxAuthTries", "2", "f:2")])] } };
        Assert.That(Run(new SshHardenedCheck(), tighten).Status, Is.EqualTo(ControlStatus.Pass));
    }

    [Test]
    public void No_sshd_is_not_applicable_and_broken_config_is_an_error()
    {
        Assert.That(Run(new SshHardenedCheck(), Host() with { Ssh = new SshEvidence { Installed = false } }).Status, Is.EqualTo(ControlStatus.NotApplicable));
        var broken = Run(new SshHardenedCheck(), Host() with { Ssh = new SshEvidence { Installed = true, ConfigError = "/etc/ssh/sshd_config:1: includes nested deeper than 16" } });
        Assert.That((broken.Status, broken.Message), Is.EqualTo((ControlStatus.Error, "Could not check because the sshd configuration cannot be resolved (sshd would refuse it too): /etc/ssh/sshd_config:1: includes nested deeper than 16.")));
    }

    private static Evidence.Evidence Privilege(params RootEquivalentAccount[] accounts) => Host() with { Privilege = new PrivilegeEvidence { RootEquivalent = accounts } };

    [Test]
    public void Root_access_rules()
    {
        var alice = new RootEquivalentAccount("alice", 1000, true, false, ["sudo:/etc/sudoers:7"]);
        Assert.That(Run(new RootAccessNarrowCheck(), Privilege(alice)).Status, Is.EqualTo(ControlStatus.Pass));
        var nopasswd = Run(new RootAccessNarrowCheck(), Privilege(alice with { NoPassword = true }));
        Assert.That(nopasswd.Message, Is.EqualTo("alice (a person) becomes root without a password (sudo:/etc/sudoers:7)"));
        var service = new RootEquivalentAccount("deploy", 997, false, true, ["sudo:/etc/sudoers.d/deploy:1"]);
        Assert.That(Run(new RootAccessNarrowCheck(), Privilege(alice, service)).Status, Is.EqualTo(ControlStatus.Pass), "a service account without a shell may use NOPASSWD");
        Assert.That(Run(new RootAccessNarrowCheck(), Privilege(alice, service), ("allowed-accounts", ParamValue.Of(["alice"]))).Message, Does.Contain("deploy can act as root but is not on the allow-list"));
        Assert.That(Run(new RootAccessNarrowCheck(), Privilege(alice, service), ("max-accounts", ParamValue.Of("1"))).Message, Does.Contain("2 accounts can act as root, more than 1"));
        Assert.That(Run(new RootAccessNarrowCheck(), Privilege(new RootEquivalentAccount("toor", 0, true, true, ["uid-0"]))).Message, Is.EqualTo("toor has uid 0"));
        var noAuth = Host() with { Privilege = new PrivilegeEvidence { AuthenticationDisabled = ["Defaults at /etc/sudoers:1"] } };
        Assert.That(Run(new RootAccessNarrowCheck(), noAuth).Status, Is.EqualTo(ControlStatus.Fail));
        Assert.That(Run(new RootAccessNarrowCheck(), Host() with { Privilege = new PrivilegeEvidence { SudoersError = "x:1: bad" } }).Status, Is.EqualTo(ControlStatus.Error));
    }
}
