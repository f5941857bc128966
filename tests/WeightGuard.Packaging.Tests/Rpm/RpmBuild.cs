using System.Xml.Linq;
using WeightGuard.Testing;

namespace WeightGuard.Packaging.Tests.Rpm;

/// <summary>
/// Builds the agent's RPM once for every test in this namespace with <c>packaging/rpm/build.sh</c> (which publishes the
/// NativeAOT binary, so it takes a minute or more) into a temporary directory.
/// </summary>
[SetUpFixture]
public sealed class RpmBuild
{
    private static string? _directory;

    /// <summary>The built package.</summary>
    public static string Rpm { get; private set; } = "";

    /// <summary>The version the repository declares (<c>Directory.Build.props</c>).</summary>
    public static string Version { get; } = XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Build.props")).Descendants("Version").Single().Value;

    [OneTimeSetUp]
    public void Build()
    {
        ExternalTool.Require("rpmbuild");
        ExternalTool.Require("dotnet");
        _directory = Directory.CreateTempSubdirectory("weightguard-rpm-").FullName;
        var build = ExternalTool.Run(Path.Combine(RepoPaths.Root, "packaging", "rpm", "build.sh"), [_directory], timeout: TimeSpan.FromMinutes(20));
        Assert.That(build.ExitCode, Is.Zero, build.Stderr);
        Rpm = build.Stdout.Trim();
    }

    [OneTimeTearDown]
    public void Delete()
    {
        if (_directory is not null) Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Runs <c>rpm ARGS</c> and returns its standard output, failing the test when it fails.</summary>
    public static string Query(params string[] args)
    {
        var run = ExternalTool.Run("rpm", args);
        Assert.That(run.ExitCode, Is.Zero, $"rpm {string.Join(' ', args)}: {run.Stderr}");
        return run.Stdout;
    }
}
