using WeightGuard.Core.Catalog;
using WeightGuard.Core.Checks.Kinds;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Evidence;
using static WeightGuard.Core.Tests.Checks.CheckHarness;

namespace WeightGuard.Core.Tests.Checks;

/// <summary>How the check kinds judge evidence from the live firewall ruleset and from Windows sources.</summary>
public class WindowsAndLiveEvidenceCheckTests
{
    private static readonly OutputChain ConfigDrop = new("nftables", "inet filter", "output", "drop", 3, false, true, "/etc/nftables.conf:10");
    private static readonly OutputChain LiveAccept = new("nftables", "inet filter", "output", "accept", 0, false, null, "nft -j list ruleset: inet filter output") { Origin = "live" };

    private static Evidence.Evidence Egress(EgressEvidence egress) => Host() with { Weights = Weights("/models/a.gguf"), Egress = egress };

    [Test]
    public void The_live_ruleset_where_read_decides_over_the_configuration()
    {
        var liveOpen = Run(new EgressDefaultDenyCheck(), Egress(new EgressEvidence { OutputChains = [ConfigDrop, LiveAccept], LiveRuleset = "nft -j list ruleset" }));
        Assert.That((liveOpen.Status, liveOpen.Message), Is.EqualTo((ControlStatus.Fail, "nftables inet filter output policy is accept (nft -j list ruleset: inet filter output)")));
        var liveDrop = Run(new EgressDefaultDenyCheck(), Egress(new EgressEvidence { OutputChains = [LiveAccept with { Policy = "drop" }], LiveRuleset = "nft -j list ruleset" }));
        Assert.That(liveDrop.Status, Is.EqualTo(ControlStatus.Pass));
        var unreadable = Egress(new EgressEvidence { OutputChains = [ConfigDrop], LiveRulesetError = "nft -j list ruleset: Operation not permitted" });
        Assert.That(Run(new EgressDefaultDenyCheck(), unreadable).Status, Is.EqualTo(ControlStatus.Pass), "without the live ruleset the configuration is judged");
        var nothing = Run(new EgressDefaultDenyCheck(), Egress(new EgressEvidence { LiveRulesetError = "MSFT_NetFirewallProfile: access denied" }));
        Assert.That((nothing.Status, nothing.Message), Is.EqualTo((ControlStatus.Error,
            "Could not check because no outbound filtering is configured and the enforced ruleset could not be read: MSFT_NetFirewallProfile: access denied.")));
    }

    private static OutputChain Profile(string name, string policy, bool enabled) =>
        new("windows-firewall", "profile", name, policy, 0, false, enabled, $"MSFT_NetFirewallProfile {name}") { Origin = "live" };

    [Test]
    public void Every_windows_firewall_profile_must_block()
    {
        EgressEvidence Profiles(params OutputChain[] p) => new() { OutputChains = p, LiveRuleset = "MSFT_NetFirewallProfile (ActiveStore)" };
        var all = Run(new EgressDefaultDenyCheck(), Egress(Profiles(Profile("Domain", "drop", true), Profile("Private", "drop", true), Profile("Public", "drop", true))));
        Assert.That(all.Status, Is.EqualTo(ControlStatus.Pass));
        var mixed = Run(new EgressDefaultDenyCheck(), Egress(Profiles(Profile("Domain", "drop", true), Profile("Private", "drop", false), Profile("Public", "accept", true))));
        Assert.That((mixed.Status, mixed.Message), Is.EqualTo((ControlStatus.Fail,
            "the Windows Firewall Private profile is off; windows-firewall profile Public policy is accept (MSFT_NetFirewallProfile Public)")));
        Assert.That(mixed.Evidence, Is.EqualTo(new[] { "/evidence/egress/outputChains/1", "/evidence/egress/outputChains/2" }));
    }

    private static Evidence.Evidence Updates(int? age, int waiting) => Host() with
    {
        Patches = new PatchEvidence
        {
            PackageManager = "windows-update", Determinable = true, NewestUpdateAgeDays = age, InstalledPackages = 40, PendingCount = waiting,
            Pending = [.. Enumerable.Range(0, waiting).Select(i => new PendingUpdate($"id{i}", "installed", "active after a reboot", "reboot-required"))],
        },
    };

    [Test]
    public void Windows_updates_are_judged_by_age_and_reboot()
    {
        Assert.That(Run(new PatchesCurrentCheck(), Updates(14, 0)).Message, Is.EqualTo("newest of 40 installed updates is 14 day(s) old, none waits for a reboot"));
        Assert.That(Run(new PatchesCurrentCheck(), Updates(50, 0)).Message, Is.EqualTo("the newest installed update is 50 days old, so at least one monthly update was missed"));
        Assert.That(Run(new PatchesCurrentCheck(), Updates(50, 0), ("max-update-age-days", ParamValue.Of("60"))).Status, Is.EqualTo(ControlStatus.Pass));
        Assert.That(Run(new PatchesCurrentCheck(), Updates(3, 2)).Message, Is.EqualTo("2 installed update(s) wait for a reboot to take effect"));
        var undetermined = Host() with { Patches = new PatchEvidence { PackageManager = "windows-update", Determinable = false, Reason = "Win32_QuickFixEngineering: access denied" } };
        Assert.That(Run(new PatchesCurrentCheck(), undetermined).Status, Is.EqualTo(ControlStatus.Error));
    }

    [Test]
    public void A_tpm_windows_reports_not_ready_fails()
    {
        var tpm = new TpmEvidence { Present = true, Source = "cim:Win32_Tpm", Version = "2.0", Manufacturer = "INTC", Ready = false };
        var notReady = Run(new TpmAttestationReadyCheck(), Host() with { Tpm = tpm }, ("require-ek-certificate", ParamValue.Of("false")));
        Assert.That((notReady.Status, notReady.Message), Is.EqualTo((ControlStatus.Fail, "the TPM is not ready for use: Windows reports it not enabled, activated and owned (see tpm.msc)")));
        Assert.That(Run(new TpmAttestationReadyCheck(), Host() with { Tpm = tpm with { Ready = true } }, ("require-ek-certificate", ParamValue.Of("false"))).Status, Is.EqualTo(ControlStatus.Pass));
    }

    [Test]
    public void Permit_root_login_is_ignored_on_windows_where_there_is_no_root()
    {
        var settings = new[] { ("PermitRootLogin", "prohibit-password"), ("PasswordAuthentication", "no"), ("PermitEmptyPasswords", "no"), ("KbdInteractiveAuthentication", "no"), ("UsePAM", "no"), ("AuthenticationMethods", "any") }
            .Select(s => new SshSetting(s.Item1, s.Item2, "default")).ToList();
        var ssh = new SshEvidence { Installed = true, Settings = settings };
        var windows = Host() with { Host = Host().Host with { Platform = "windows" }, Ssh = ssh };
        Assert.That(Run(new SshHardenedCheck(), windows).Status, Is.EqualTo(ControlStatus.Pass));
        Assert.That(Run(new SshHardenedCheck(), Host() with { Ssh = ssh }).Message, Does.StartWith("PermitRootLogin is prohibit-password by default"));
    }
}
