using System.Text.Json;
using WeightGuard.Testing;

namespace WeightGuard.Packaging.Tests.Deb;

/// <summary>What <c>packaging/deb/build.sh</c> produces: name, control fields, files with their modes, the binary.</summary>
public sealed class DebPackageTests
{
    private static readonly string[] MaintainerScripts = ["postinst", "prerm", "postrm"];

    [Test]
    public void Package_is_named_after_the_repository_version_and_architecture() =>
        Assert.That(Path.GetFileName(PackageBuild.Deb), Is.EqualTo($"weightguard-agent_{PackageBuild.Version}_amd64.deb"));

    [Test]
    public void Control_fields_name_the_package_its_version_architecture_and_dependencies()
    {
        string Field(string name) => PackageBuild.DpkgDeb("--field", PackageBuild.Deb, name).Trim();
        Assert.Multiple(() =>
        {
            Assert.That(Field("Package"), Is.EqualTo("weightguard-agent"));
            Assert.That(Field("Version"), Is.EqualTo(PackageBuild.Version));
            Assert.That(Field("Architecture"), Is.EqualTo("amd64"));
            Assert.That(Field("Depends").Split(", "), Is.EquivalentTo(new[] { "libc6 (>= 2.34)", "libssl3 | libssl3t64", "adduser" }));
            Assert.That(Field("Maintainer"), Does.Match(@"^.+ <[^>]+@[^>]+>$"));
        });
    }

    [Test]
    public void Info_lists_the_maintainer_scripts_as_executable_and_the_conffiles()
    {
        var info = PackageBuild.DpkgDeb("--info", PackageBuild.Deb);
        Assert.Multiple(() =>
        {
            foreach (var script in MaintainerScripts)
                Assert.That(info, Does.Match($@"lines\s+\*\s+{script}\s+#!/bin/sh"), script);
            Assert.That(info, Does.Match(@"lines\s+conffiles"));
        });
        Assert.That(File.ReadAllText(Path.Combine(PackageBuild.Control, "conffiles")), Is.EqualTo("/etc/weightguard/agent.yaml\n"));
    }

    [Test]
    public void Contents_are_exactly_the_binary_unit_and_configuration_with_their_modes()
    {
        var entries = DebContentsEntry.ParseListing(PackageBuild.DpkgDeb("--contents", PackageBuild.Deb));
        Assert.That(entries.Where(e => !e.Mode.StartsWith('d')), Is.EquivalentTo(new[]
        {
            new DebContentsEntry("-rwxr-xr-x", "root/root", "/usr/bin/weightguard"),
            new DebContentsEntry("-rw-r--r--", "root/root", "/usr/lib/systemd/system/weightguard-agent.service"),
            // root:root in the archive; postinst gives it to the weightguard group (InstallTests checks the result).
            new DebContentsEntry("-rw-r-----", "root/root", "/etc/weightguard/agent.yaml"),
        }));
        Assert.That(entries.Single(e => e.Path == "/etc/weightguard/").Mode, Is.EqualTo("drwxr-x---"));
    }

    [Test]
    public void Packaged_configuration_and_unit_are_the_repository_files()
    {
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(Path.Combine(PackageBuild.Files, "etc/weightguard/agent.yaml")),
                Is.EqualTo(File.ReadAllText(Path.Combine(RepoPaths.Root, "packaging/config/agent.yaml"))));
            Assert.That(File.ReadAllText(Path.Combine(PackageBuild.Files, "usr/lib/systemd/system/weightguard-agent.service")),
                Is.EqualTo(File.ReadAllText(Path.Combine(RepoPaths.Root, "packaging/systemd/weightguard-agent.service"))));
        });
    }

    [TestCaseSource(nameof(MaintainerScripts))]
    public void Maintainer_script_is_valid_posix_shell(string script)
    {
        var check = ExternalTool.Run("sh", ["-n", Path.Combine(PackageBuild.Control, script)]);
        Assert.That(check.ExitCode, Is.Zero, check.Stderr);
    }

    [Test]
    public void Packaged_binary_prints_the_version()
    {
        var run = ExternalTool.Run(Path.Combine(PackageBuild.Files, "usr/bin/weightguard"), ["--version"]);
        Assert.That(run.ExitCode, Is.Zero, run.Stderr);
        Assert.That(run.Stdout.Trim(), Is.EqualTo(PackageBuild.Version));
    }

    [Test]
    public void Packaged_binary_scans_with_its_embedded_catalogue()
    {
        var empty = Directory.CreateTempSubdirectory("weightguard-empty-root-");
        try
        {
            var run = ExternalTool.Run(Path.Combine(PackageBuild.Files, "usr/bin/weightguard"),
                ["scan", "--root", empty.FullName, "--format", "json"]);
            Assert.That(run.ExitCode, Is.EqualTo(1), run.Stderr); // ran; an empty tree cannot pass
            using var report = JsonDocument.Parse(run.Stdout);
            Assert.That(report.RootElement.GetProperty("schema").GetString(), Is.EqualTo("weightguard.report/v1"));
            Assert.That(report.RootElement.GetProperty("results").GetArrayLength(), Is.GreaterThan(0));
        }
        finally { empty.Delete(recursive: true); }
    }
}
