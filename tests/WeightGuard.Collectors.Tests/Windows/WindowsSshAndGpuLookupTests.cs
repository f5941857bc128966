using WeightGuard.Collectors.Gpu;
using WeightGuard.Collectors.Windows;

namespace WeightGuard.Collectors.Tests.Windows;

/// <summary>The Windows OpenSSH server's configuration read by the shared sshd parser, and where nvidia-smi.exe is found.</summary>
[TestFixture]
public sealed class WindowsSshAndGpuLookupTests
{
    private string _dir = "";

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("wg-win-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    // The sshd_config that the OpenSSH Windows feature installs, with passwords switched off.
    private const string WindowsDefaultConfig = """
        # This is the sshd server system-wide configuration file.
        AuthorizedKeysFile	.ssh/authorized_keys
        PasswordAuthentication no
        Subsystem	sftp	sftp-server.exe

        Match Group administrators
               AuthorizedKeysFile __PROGRAMDATA__/ssh/administrators_authorized_keys
        """;

    [Test]
    public void Sshd_config_under_program_data_is_resolved_with_administrator_keys()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "ssh"));
        File.WriteAllText(Path.Combine(_dir, "ssh", "sshd_config"), WindowsDefaultConfig);
        File.WriteAllText(Path.Combine(_dir, "ssh", "administrators_authorized_keys"),
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx0ZXN0a2V5bm90cmVhbGx5dXNlZGZvcmFueXRoaW5n ops@corp\n");
        var e = WindowsSshCollector.Collect(_dir, Path.Combine(_dir, "missing", "sshd.exe"));
        var settings = e.Settings.ToDictionary(s => s.Keyword, s => s.Value);
        Assert.Multiple(() =>
        {
            Assert.That((e.Installed, e.ConfigError, e.Errors.Count), Is.EqualTo((true, (string?)null, 0)));
            Assert.That(e.Files, Is.EqualTo(new[] { "/ssh/sshd_config" }));
            Assert.That(settings["PasswordAuthentication"], Is.EqualTo("no"));
            Assert.That(e.MatchBlocks.Single().Criteria, Is.EqualTo("Group administrators"));
            Assert.That(e.AuthorizedKeys.Select(k => $"{k.Account} {k.Path} {k.Keys} {string.Join(",", k.KeyTypes)}"),
                Is.EqualTo(new[] { "Administrators /ssh/administrators_authorized_keys 1 ssh-ed25519" }));
        });
    }

    [Test]
    public void Without_config_or_binary_the_server_is_not_installed_and_a_bad_config_is_an_error()
    {
        Assert.That(WindowsSshCollector.Collect(_dir, Path.Combine(_dir, "sshd.exe")).Installed, Is.False);
        Directory.CreateDirectory(Path.Combine(_dir, "ssh"));
        File.WriteAllText(Path.Combine(_dir, "ssh", "sshd_config"), "Match\n");
        var bad = WindowsSshCollector.Collect(_dir, Path.Combine(_dir, "sshd.exe"));
        Assert.That((bad.Installed, bad.ConfigError), Is.EqualTo((true, bad.ConfigError)));
        Assert.That(bad.ConfigError, Does.Contain("/ssh/sshd_config:1"));
    }

    [Test]
    public void Nvidia_smi_exe_is_found_on_path_then_in_nvsmi_then_in_system32()
    {
        var programFiles = Path.Combine(_dir, "Program Files");
        var system32 = Path.Combine(_dir, "Windows", "System32");
        var onPath = Path.Combine(_dir, "tools");
        var nvsmi = Path.Combine(programFiles, "NVIDIA Corporation", "NVSMI");
        foreach (var d in new[] { system32, nvsmi, onPath }) Directory.CreateDirectory(d);
        var dirs = NvidiaSmiProcess.WindowsDirs(programFiles, system32);
        string? Find() => NvidiaSmiProcess.Find($"{onPath};C:relative", ';', "nvidia-smi.exe", dirs);

        Assert.That(Find(), Is.Null);
        File.WriteAllText(Path.Combine(system32, "nvidia-smi.exe"), "");
        Assert.That(Find(), Is.EqualTo(Path.Combine(system32, "nvidia-smi.exe")), "DCH drivers install into System32");
        File.WriteAllText(Path.Combine(nvsmi, "nvidia-smi.exe"), "");
        Assert.That(Find(), Is.EqualTo(Path.Combine(nvsmi, "nvidia-smi.exe")));
        File.WriteAllText(Path.Combine(onPath, "nvidia-smi.exe"), "");
        Assert.That(Find(), Is.EqualTo(Path.Combine(onPath, "nvidia-smi.exe")));
    }
}
