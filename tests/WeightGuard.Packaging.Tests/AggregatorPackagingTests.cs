using WeightGuard.Testing;

namespace WeightGuard.Packaging.Tests;

/// <summary>
/// The aggregator's container file and systemd unit. Neither can be built here (the image needs a container engine),
/// so these check what can be checked without one.
/// </summary>
public sealed class AggregatorPackagingTests
{
    private static readonly string Directory = Path.Combine(RepoPaths.Root, "packaging", "aggregator");

    /// <summary>The Containerfile's instructions (keyword, arguments), comments and blank lines left out.</summary>
    private static IReadOnlyList<(string Keyword, string Arguments)> Instructions =>
        File.ReadLines(Path.Combine(Directory, "Containerfile"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', 2))
            .Select(p => (p[0], p.Length > 1 ? p[1] : ""))
            .ToList();

    [Test]
    public void Container_builds_with_the_sdk_and_runs_on_the_aspnet_runtime()
    {
        var from = Instructions.Where(i => i.Keyword == "FROM").Select(i => i.Arguments).ToList();
        Assert.That(from, Has.Count.EqualTo(2));
        Assert.That(from[0], Does.StartWith("mcr.microsoft.com/dotnet/sdk:10.0 AS "));
        Assert.That(from[1], Does.StartWith("mcr.microsoft.com/dotnet/aspnet:10.0"));
    }

    [Test]
    public void Container_runs_as_a_non_root_user_serving_https_with_data_in_a_volume()
    {
        var final = Instructions.SkipWhile(i => i.Arguments != "mcr.microsoft.com/dotnet/aspnet:10.0").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(final.Where(i => i.Keyword == "USER").Select(i => i.Arguments), Is.EqualTo(new[] { "$APP_UID" }));
            Assert.That(final.Single(i => i.Keyword == "VOLUME").Arguments, Is.EqualTo("/data"));
            Assert.That(final.Single(i => i.Keyword == "CMD").Arguments,
                Is.EqualTo("""["serve", "--data", "/data", "--urls", "https://0.0.0.0:8443"]"""));
            Assert.That(final.Single(i => i.Keyword == "ENTRYPOINT").Arguments, Does.Contain("weightguard-aggregator.dll"));
        });
    }

    [Test]
    public void Unit_verifies_without_a_warning_and_is_well_protected()
    {
        var unit = SystemdUnit.Load(Path.Combine(Directory, "weightguard-aggregator.service"));
        // The aggregator is not installed here; dotnet (on PATH wherever the tests run) stands in for its program.
        var (exitCode, output) = unit.Verify(ExternalTool.Require("dotnet"));
        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Is.Empty);
        Assert.That(unit.Exposure(), Is.LessThanOrEqualTo(2.0));
        Assert.That(unit.Service("ExecStart"), Does.Contain(" serve --data /var/lib/weightguard-aggregator --urls https://0.0.0.0:8443"));
    }
}
