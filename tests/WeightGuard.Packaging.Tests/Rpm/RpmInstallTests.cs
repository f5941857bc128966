using WeightGuard.Testing;

namespace WeightGuard.Packaging.Tests.Rpm;

/// <summary>
/// Installs and erases the RPM for real with <c>rpm -i --root</c> into a throw-away root (install-rpm-in-root.sh), so
/// its scriptlets run as on a server and this machine is untouched: the same account, modes and unit as the .deb.
/// </summary>
public sealed class RpmInstallTests
{
    private Dictionary<string, string> _facts = [];

    [OneTimeSetUp]
    public void InstallAndErase()
    {
        if (Environment.UserName != "root") Assert.Ignore("installing a package into another root needs root");
        foreach (var tool in new[] { "rpm", "unshare", "chroot", "setpriv", "useradd" }) ExternalTool.Require(tool);
        _facts = InstalledPackage.Facts("install-rpm-in-root.sh", RpmBuild.Rpm);
    }

    [Test]
    public void Install_registers_the_package_and_its_files_verify()
    {
        Assert.That(_facts["installed"], Is.EqualTo($"weightguard-agent-{RpmBuild.Version}-1.x86_64"));
        Assert.That(_facts["verify"], Is.EqualTo("ok"), "rpm -V: every file's digest, mode and owner as packaged");
    }

    [Test]
    public void Install_creates_the_service_account_in_the_tss_group_only() => InstalledPackage.AssertServiceAccount(_facts);

    [Test]
    public void Install_gives_the_configuration_to_root_and_the_service_group_and_makes_the_state_directories() =>
        InstalledPackage.AssertModes(_facts);

    [Test]
    public void Install_enables_the_unit_and_the_binary_runs_as_the_service_user()
    {
        Assert.That(_facts["enabled"], Is.EqualTo("yes"));
        Assert.That(_facts["version-as-service-user"], Is.EqualTo(RpmBuild.Version));
    }

    [Test]
    public void Erase_removes_files_state_and_the_unit_link_and_keeps_the_account()
    {
        Assert.That(_facts["erased-binary"], Is.EqualTo("gone"));
        Assert.That(_facts["erased-config"], Is.EqualTo("gone"));
        Assert.That(_facts["erased-state"], Is.EqualTo("gone"));
        Assert.That(_facts["erased-enable"], Is.EqualTo("gone"));
        Assert.That(_facts["account-after-erase"], Is.EqualTo("kept"));
    }
}
