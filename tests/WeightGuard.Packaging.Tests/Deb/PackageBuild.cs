using System.Xml.Linq;
using WeightGuard.Testing;

namespace WeightGuard.Packaging.Tests.Deb;

/// <summary>
/// Builds the agent's .deb once for every test in this namespace with <c>packaging/deb/build.sh</c> (which publishes the
/// NativeAOT binary, so it takes a minute or more) into a temporary directory, and unpacks it there.
/// </summary>
[SetUpFixture]
public sealed class PackageBuild
{
    private static string? _directory;

    /// <summary>The built package.</summary>
    public static string Deb { get; private set; } = "";

    /// <summary>The package's files, unpacked with <c>dpkg-deb -x</c>.</summary>
    public static string Files { get; private set; } = "";

    /// <summary>The package's control files (control, conffiles, maintainer scripts), unpacked with <c>dpkg-deb -e</c>.</summary>
    public static string Control { get; private set; } = "";

    /// <summary>The version the repository declares (<c>Directory.Build.props</c>).</summary>
    public static string Version { get; } = XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Build.props"))
        .Descendants("Version").Single().Value;

    [OneTimeSetUp]
    public void Build()
    {
        ExternalTool.Require("dpkg-deb");
        ExternalTool.Require("dotnet");
        _directory = Directory.CreateTempSubdirectory("weightguard-deb-").FullName;
        var build = ExternalTool.Run(Path.Combine(RepoPaths.Root, "packaging", "deb", "build.sh"), [_directory],
            timeout: TimeSpan.FromMinutes(20));
        Assert.That(build.ExitCode, Is.Zero, build.Stderr);
        Deb = build.Stdout.Trim();

        Files = Path.Combine(_directory, "files");
        Control = Path.Combine(_directory, "control");
        DpkgDeb("-x", Deb, Files);
        DpkgDeb("-e", Deb, Control);
    }

    [OneTimeTearDown]
    public void Delete()
    {
        if (_directory is not null) Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Runs dpkg-deb and returns its standard output, failing the test when it fails.</summary>
    public static string DpkgDeb(params string[] args)
    {
        var run = ExternalTool.Run("dpkg-deb", args);
        Assert.That(run.ExitCode, Is.Zero, $"dpkg-deb {string.Join(' ', args)}: {run.Stderr}");
        return run.Stdout;
    }
}
