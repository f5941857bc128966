using Moq;
using WeightGuard.Collectors.Windows;
using static WeightGuard.Collectors.Tests.Windows.WindowsFakes;

namespace WeightGuard.Collectors.Tests.Windows;

/// <summary>Windows Firewall profiles, local Administrators and Remote Desktop Users, and installed updates as evidence.</summary>
[TestFixture]
public sealed class WindowsAccessAndUpdateTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    internal static readonly CimRow[] Profiles =
    [
        Row("MSFT_NetFirewallProfile", ("Name", "Public"), ("Enabled", (ushort)1), ("DefaultOutboundAction", (ushort)0)),
        Row("MSFT_NetFirewallProfile", ("Name", "Domain"), ("Enabled", (ushort)1), ("DefaultOutboundAction", (ushort)4)),
        Row("MSFT_NetFirewallProfile", ("Name", "Private"), ("Enabled", (ushort)0), ("DefaultOutboundAction", (ushort)4)),
    ];

    [Test]
    public void Firewall_profiles_become_live_output_chains()
    {
        var e = WindowsFirewallCollector.Collect(Cim(("MSFT_NetFirewallProfile", Profiles)).Object);
        Assert.Multiple(() =>
        {
            Assert.That(e.LiveRuleset, Is.EqualTo("MSFT_NetFirewallProfile (ActiveStore)"));
            Assert.That(e.OutputChains.Select(c => $"{c.Firewall} {c.Chain} {c.Policy} enabled={c.LoadedAtBoot} {c.Origin}"), Is.EqualTo(new[]
            {
                "windows-firewall Domain drop enabled=True live",
                "windows-firewall Private drop enabled=False live",
                "windows-firewall Public accept enabled=True live",
            }));
        });
        var denied = WindowsFirewallCollector.Collect(Cim(("MSFT_NetFirewallProfile", CimFailure.AccessDenied)).Object);
        Assert.That((denied.OutputChains.Count, denied.LiveRuleset, denied.LiveRulesetError),
            Is.EqualTo((0, (string?)null, "MSFT_NetFirewallProfile: access denied (run WeightGuard elevated)")));
    }

    /// <summary>Answers for the group queries of a German Windows host (the Remote Desktop Users group is found by SID, whatever its name).</summary>
    internal static readonly (string, object)[] GroupAnswers =
    [
        ("S-1-5-32-544", new[] { Row("Win32_Group", ("Name", "Administrators"), ("Domain", "GPU-WIN-01")) }),
        ("S-1-5-32-555", new[] { Row("Win32_Group", ("Name", "Remotedesktopbenutzer"), ("Domain", "GPU-WIN-01")) }),
        ("Name='Administrators'", new[]
        {
            Row("Win32_UserAccount", ("Name", "Administrator"), ("Domain", "GPU-WIN-01"), ("SID", "S-1-5-21-1-2-3-500"), ("Disabled", true), ("PasswordRequired", true)),
            Row("Win32_UserAccount", ("Name", "alice"), ("Domain", "GPU-WIN-01"), ("SID", "S-1-5-21-1-2-3-1001"), ("Disabled", false), ("PasswordRequired", true)),
            Row("Win32_UserAccount", ("Name", "deploy"), ("Domain", "GPU-WIN-01"), ("SID", "S-1-5-21-1-2-3-1002"), ("Disabled", false), ("PasswordRequired", false)),
            Row("Win32_UserAccount", ("Name", "bob"), ("Domain", "GPU-WIN-01"), ("SID", "S-1-5-21-1-2-3-1003"), ("Disabled", true), ("PasswordRequired", true)),
            Row("Win32_Group", ("Name", "GPU Admins"), ("Domain", "CORP"), ("SID", "S-1-5-21-9-9-9-1207")),
            Row("Win32_SystemAccount", ("Name", "SYSTEM"), ("Domain", "NT AUTHORITY"), ("SID", "S-1-5-18")),
        }),
        ("Name='Remotedesktopbenutzer'", new[] { Row("Win32_UserAccount", ("Name", "carol"), ("Domain", "CORP"), ("SID", "S-1-5-21-9-9-9-2001")) }),
    ];

    [Test]
    public void Administrators_members_are_root_equivalent_and_remote_desktop_users_are_listed()
    {
        var cim = Cim(GroupAnswers);
        var p = LocalGroupCollector.Collect(cim.Object);
        Assert.Multiple(() =>
        {
            Assert.That(p.Groups.Single().Members, Is.EqualTo(new[]
            {
                @"CORP\GPU Admins", @"GPU-WIN-01\Administrator", @"GPU-WIN-01\alice", @"GPU-WIN-01\bob", @"GPU-WIN-01\deploy", @"NT AUTHORITY\SYSTEM",
            }));
            Assert.That(p.RootEquivalent.Select(a => $"{a.Account} {a.Uid} human={a.Human} nopw={a.NoPassword} {string.Join(",", a.Via)}"), Is.EqualTo(new[]
            {
                @"CORP\GPU Admins 1207 human=True nopw=False group:Administrators",
                @"GPU-WIN-01\alice 1001 human=True nopw=False group:Administrators",
                @"GPU-WIN-01\deploy 1002 human=True nopw=True group:Administrators",
                @"NT AUTHORITY\SYSTEM 18 human=False nopw=False group:Administrators",
            }), "the built-in Administrator (RID 500) and disabled accounts are left out");
            Assert.That(p.RemoteDesktopUsers, Is.EqualTo(new[] { @"CORP\carol" }));
            Assert.That(p.Errors, Is.Empty);
        });
        cim.Verify(c => c.Query(@"root\cimv2", "ASSOCIATORS OF {Win32_Group.Domain='GPU-WIN-01',Name='Administrators'} WHERE AssocClass = Win32_GroupUser ResultRole = PartComponent"));
    }

    [Test]
    public void Denied_group_queries_are_an_error()
    {
        var p = LocalGroupCollector.Collect(Cim(("Win32_Group", CimFailure.AccessDenied)).Object);
        Assert.That((p.RootEquivalent.Count, p.Errors.Single().Reason), Is.EqualTo((0, "Win32_Group / Win32_GroupUser: access denied (run WeightGuard elevated)")));
        var missing = LocalGroupCollector.Collect(Cim(("S-1-5-32", Array.Empty<CimRow>())).Object);
        Assert.That((missing.Groups.Count, missing.RootEquivalent.Count, missing.Errors.Count), Is.EqualTo((0, 0, 0)));
    }

    private const string RebootRequired = @"SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired";

    internal static readonly CimRow[] Hotfixes =
    [
        Row("Win32_QuickFixEngineering", ("HotFixID", "KB5043050"), ("InstalledOn", "9/10/2026")),
        Row("Win32_QuickFixEngineering", ("HotFixID", "KB5044281"), ("InstalledOn", "11/12/2026")),
        Row("Win32_QuickFixEngineering", ("HotFixID", "KB5012170"), ("InstalledOn", "")),
        Row("Win32_QuickFixEngineering", ("HotFixID", "KB890830"), ("InstalledOn", "01dc4a2b3c4d5e6f")),
    ];

    [Test]
    public void Updates_give_the_newest_age_and_those_waiting_for_a_reboot()
    {
        var registry = Registry((RebootRequired, "0b2b0f4c-6a5e-4b0e-9d52-1f0d7c5b6a11", 1), (RebootRequired, "7c1d7f05-2c1a-4d3b-8c7e-2c9a1e4f3b22", 1));
        var p = WindowsUpdateCollector.Collect(Cim(("Win32_QuickFixEngineering", Hotfixes)).Object, registry.Object, Now);
        Assert.Multiple(() =>
        {
            Assert.That((p.PackageManager, p.Determinable, p.InstalledPackages, p.NewestUpdateAgeDays, p.PendingCount), Is.EqualTo(("windows-update", true, 4, (int?)14, 2)));
            Assert.That(p.Pending.Select(u => u.Package), Is.EqualTo(new[] { "0b2b0f4c-6a5e-4b0e-9d52-1f0d7c5b6a11", "7c1d7f05-2c1a-4d3b-8c7e-2c9a1e4f3b22" }));
        });
        var clean = WindowsUpdateCollector.Collect(Cim(("Win32_QuickFixEngineering", Hotfixes)).Object, Registry().Object, Now);
        Assert.That((clean.PendingCount, clean.Pending.Count), Is.EqualTo((0, 0)));
    }

    [Test]
    public void Update_dates_in_both_formats_and_failures()
    {
        Assert.Multiple(() =>
        {
            Assert.That(WindowsUpdateCollector.InstalledOn("11/12/2026"), Is.EqualTo(new DateTimeOffset(2026, 11, 12, 0, 0, 0, TimeSpan.Zero)));
            Assert.That(WindowsUpdateCollector.InstalledOn(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000).ToFileTime().ToString("x16")),
                Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000)));
            Assert.That(WindowsUpdateCollector.InstalledOn("12.11.2026"), Is.Null);
            Assert.That(WindowsUpdateCollector.InstalledOn("ffffffffffffffff"), Is.Null);
        });
        var undated = WindowsUpdateCollector.Collect(Cim(("Win32_QuickFixEngineering", new[] { Hotfixes[2] })).Object, Registry().Object, Now);
        Assert.That((undated.Determinable, undated.Reason), Is.EqualTo((false, "no installed update carries an installation date (Win32_QuickFixEngineering.InstalledOn)")));
        var denied = WindowsUpdateCollector.Collect(Cim(("Win32_QuickFixEngineering", CimFailure.AccessDenied)).Object, Registry().Object, Now);
        Assert.That((denied.Determinable, denied.Reason), Is.EqualTo((false, "Win32_QuickFixEngineering: access denied (run WeightGuard elevated)")));
        var deniedRegistry = WindowsUpdateCollector.Collect(Cim(("Win32_QuickFixEngineering", Hotfixes)).Object, DeniedRegistry().Object, Now);
        Assert.That(deniedRegistry.Determinable, Is.False);
    }
}
