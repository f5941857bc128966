using WeightGuard.Testing;

namespace WeightGuard.Cli.Tests;

public class CoverageCommandTests
{
    [Test]
    public void FrameworksPageIsGeneratedFromTheCatalogue()
    {
        var (code, stdout, stderr) = WeightGuardProcess.Run("controls", "coverage", "--format", "md", "--catalog", RepoPaths.Root);
        Assert.That(code, Is.Zero, stderr);
        Assert.That(File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "frameworks.md")), Is.EqualTo(stdout),
            "docs/frameworks.md is stale: regenerate it with `weightguard controls coverage --format md --catalog . > docs/frameworks.md`");
    }

    [TestCase("rand")]
    [TestCase("ncsc")]
    [TestCase("dsit")]
    public void EveryMeasureIsListedWithControlsManualAttestationOrNotCovered(string framework)
    {
        var (code, stdout, stderr) = CliRunner.Run("controls", "coverage", "--framework", framework, "--format", "json");
        Assert.That(code, Is.Zero, stderr);
        var measures = CliRunner.Json(stdout)[0].GetProperty("measures").EnumerateArray().ToList();
        var listed = File.ReadAllLines(Path.Combine(RepoPaths.Root, "frameworks", framework + ".yaml")).Count(l => l.TrimStart().StartsWith("- {id:", StringComparison.Ordinal));
        Assert.That(measures, Has.Count.EqualTo(listed));
        foreach (var m in measures)
        {
            var coverage = m.GetProperty("coverage").GetString()!;
            var controls = m.GetProperty("controls").EnumerateArray().ToList();
            Assert.That(coverage, Is.AnyOf("covered", "organisational — manual attestation", "not covered", "not covered (only derived controls)"));
            if (coverage == "covered")
                Assert.That(controls.Any(c => !c.GetProperty("manual").GetBoolean() && c.GetProperty("mapping").GetString() != "derived"), m.GetProperty("id").GetString());
            if (coverage == "not covered") Assert.That(controls, Is.Empty);
        }
    }

    [Test]
    public void GoldImageIsNotClaimedByBootLogReplay()
    {
        var (_, stdout, _) = CliRunner.Run("controls", "coverage", "--framework", "rand", "--format", "json");
        var gold = CliRunner.Json(stdout)[0].GetProperty("measures").EnumerateArray().Single(m => m.GetProperty("id").GetString() == "sl3.gold-image");
        Assert.That(gold.GetProperty("coverage").GetString(), Is.EqualTo("not covered (only derived controls)"));
    }

    [Test]
    public void UnknownFrameworkOrFormatIsOneLineAndExitTwo()
    {
        var (code, stdout, stderr) = CliRunner.Run("controls", "coverage", "--framework", "cobit");
        Assert.That((code, stdout, stderr.Trim()), Is.EqualTo((2, "", "unknown framework 'cobit' (known: dsit, ncsc, rand)")));
        (code, _, stderr) = CliRunner.Run("controls", "coverage", "--format", "pdf");
        Assert.That((code, stderr.Trim()), Is.EqualTo((2, "unknown format 'pdf' (known: md, json)")));
    }
}
