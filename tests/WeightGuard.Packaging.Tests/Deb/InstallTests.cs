using System.Text.Json;
using WeightGuard.Testing;

namespace WeightGuard.Packaging.Tests.Deb;

/// <summary>
/// Installs and purges the package for real with dpkg, inside a private mount namespace whose /etc, /usr and /var are
/// throw-away overlays (install-in-overlay.sh), so the maintainer scripts run as on a server and this machine is
/// untouched; in between, scans as the service account with the capability the unit grants.
/// </summary>
public sealed class InstallTests
{
    private Dictionary<string, string> _facts = [];
    private JsonDocument? _report;

    [OneTimeSetUp]
    public void InstallAndPurge()
    {
        if (Environment.UserName != "root") Assert.Ignore("installing a package needs root");
        foreach (var tool in new[] { "dpkg", "unshare", "setpriv", "adduser" }) ExternalTool.Require(tool);
        var unit = SystemdUnit.Load(Path.Combine(PackageBuild.Files, "usr/lib/systemd/system/weightguard-agent.service"));
        var capability = unit.Service("AmbientCapabilities")!.ToLowerInvariant().Replace("cap_", "");
        var report = Path.Combine(Path.GetDirectoryName(PackageBuild.Deb)!, "scan-as-service.json");
        _facts = InstalledPackage.Facts("install-in-overlay.sh", PackageBuild.Deb, capability, report);
        _report = JsonDocument.Parse(File.ReadAllText(report));
    }

    [OneTimeTearDown]
    public void Dispose() => _report?.Dispose();

    [Test]
    public void Install_creates_the_service_account_in_the_tss_group_only() => InstalledPackage.AssertServiceAccount(_facts);

    [Test]
    public void Install_gives_the_configuration_to_root_and_the_service_group_and_makes_the_state_directories()
    {
        InstalledPackage.AssertModes(_facts);
        Assert.That(_facts["config-as-service-user"], Is.EqualTo("read"));
    }

    [Test]
    public void Install_enables_the_unit_and_the_binary_runs_as_the_service_user()
    {
        Assert.That(_facts["enabled"], Is.EqualTo("yes"));
        Assert.That(_facts["version-as-service-user"], Is.EqualTo(PackageBuild.Version));
    }

    [Test]
    public void Service_capability_reads_root_only_files_the_account_alone_cannot()
    {
        ExternalTool.Require("visudo"); // /etc/sudoers comes with sudo
        Assert.That(_facts["sudoers-as-service-user"], Is.EqualTo("denied"));
        Assert.That(_facts["sudoers-as-service"], Is.EqualTo("read"));
        var sudoers = _report!.RootElement.GetProperty("evidence").GetProperty("privilege").GetProperty("sudoersFiles");
        Assert.That(sudoers.EnumerateArray().Select(f => f.GetString()), Does.Contain("/etc/sudoers"));
    }

    [Test]
    public void Service_account_is_not_root_equivalent_by_the_agents_own_judgement()
    {
        var rootEquivalent = _report!.RootElement.GetProperty("evidence").GetProperty("privilege").GetProperty("rootEquivalent");
        Assert.That(rootEquivalent.EnumerateArray().Select(a => a.GetProperty("account").GetString()), Does.Not.Contain("weightguard"));
    }

    [Test]
    public void Purge_removes_files_state_unit_link_and_statoverrides()
    {
        Assert.That(_facts["purged-binary"], Is.EqualTo("gone"));
        Assert.That(_facts["purged-config"], Is.EqualTo("gone"));
        Assert.That(_facts["purged-state"], Is.EqualTo("gone"));
        Assert.That(_facts["purged-enable"], Is.EqualTo("gone"));
        Assert.That(_facts["statoverrides"], Is.EqualTo("0"));
    }
}
