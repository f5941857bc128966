using WeightGuard.Testing;

namespace WeightGuard.Packaging.Tests.Deb;

/// <summary>
/// Installs and purges the package for real with dpkg, inside a private mount namespace whose /etc, /usr and /var are
/// throw-away overlays (install-in-overlay.sh), so the maintainer scripts run as on a server and this machine is untouched.
/// </summary>
public sealed class InstallTests
{
    private Dictionary<string, string> _facts = [];

    [OneTimeSetUp]
    public void InstallAndPurge()
    {
        if (Environment.UserName != "root") Assert.Ignore("installing a package needs root");
        foreach (var tool in new[] { "dpkg", "unshare", "setpriv", "adduser" }) ExternalTool.Require(tool);
        var run = ExternalTool.Run("unshare", ["--mount", "--propagation", "private", "sh",
            Path.Combine(AppContext.BaseDirectory, "install-in-overlay.sh"), PackageBuild.Deb], timeout: TimeSpan.FromMinutes(5));
        Assert.That(run.ExitCode, Is.Zero, run.Stdout + run.Stderr);
        _facts = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
    }

    [Test]
    public void Install_creates_the_service_account_in_the_tss_and_disk_groups()
    {
        Assert.That(_facts["user"], Is.EqualTo("weightguard:/var/lib/weightguard:/usr/sbin/nologin"));
        Assert.That(_facts["groups"].Split(' '), Is.SupersetOf(new[] { "weightguard", "disk" }));
        if (ExternalTool.Run("getent", ["group", "tss"]).ExitCode == 0)
            Assert.That(_facts["groups"].Split(' '), Does.Contain("tss"));
    }

    [Test]
    public void Install_gives_the_configuration_to_root_and_the_service_group()
    {
        Assert.That(_facts["config"], Is.EqualTo("640 root:weightguard"));
        Assert.That(_facts["configdir"], Is.EqualTo("750 root:weightguard"));
        Assert.That(_facts["config-readable-by-service-user"], Is.EqualTo("yes"));
    }

    [Test]
    public void Install_creates_state_identity_and_log_directories_owned_by_the_service()
    {
        Assert.That(_facts["state"], Is.EqualTo("750 weightguard:weightguard"));
        Assert.That(_facts["identity"], Is.EqualTo("700 weightguard:weightguard"));
        Assert.That(_facts["logs"], Is.EqualTo("750 weightguard:weightguard"));
    }

    [Test]
    public void Install_enables_the_unit_and_the_binary_runs_as_the_service_user()
    {
        Assert.That(_facts["enabled"], Is.EqualTo("yes"));
        Assert.That(_facts["version-as-service-user"], Is.EqualTo(PackageBuild.Version));
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
