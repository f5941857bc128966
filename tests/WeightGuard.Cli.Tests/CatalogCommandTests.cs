using WeightGuard.Testing;

namespace WeightGuard.Cli.Tests;

public class CatalogCommandTests
{
    [Test]
    public void ShippedCatalogueValidates()
    {
        var (code, stdout, stderr) = WeightGuardProcess.Run("controls", "validate", RepoPaths.Root);
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("profiles").And.Contain("valid"));
    }

    [Test]
    public void BrokenCatalogueExitsTwoWithFileAndLine()
    {
        var dir = Directory.CreateTempSubdirectory("wg-cat-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "controls"));
            Directory.CreateDirectory(Path.Combine(dir, "profiles"));
            foreach (var f in Directory.GetFiles(Path.Combine(RepoPaths.Root, "controls")))
                File.Copy(f, Path.Combine(dir, "controls", Path.GetFileName(f)));
            foreach (var f in Directory.GetFiles(Path.Combine(RepoPaths.Root, "profiles")))
                File.Copy(f, Path.Combine(dir, "profiles", Path.GetFileName(f)));
            var broken = Path.Combine(dir, "controls", "WG-ACL-001.yaml");
            File.WriteAllText(broken, File.ReadAllText(broken).Replace("kind: weights-no-world-access", "kind: weights-no-wrold-access"));

            var (code, _, stderr) = WeightGuardProcess.Run("controls", "validate", dir);
            var line = File.ReadAllLines(broken).ToList().FindIndex(l => l.Contains("weights-no-wrold-access")) + 1;
            Assert.That(code, Is.EqualTo(2));
            Assert.That(stderr, Does.StartWith($"{broken}:{line}: unknown check kind 'weights-no-wrold-access'"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void ProfilesListShowsTheSevenProfiles()
    {
        var (code, stdout, _) = WeightGuardProcess.Run("profiles", "list");
        Assert.That(code, Is.Zero);
        foreach (var id in new[] { "rand-sl1", "rand-sl2", "rand-sl3", "rand-sl4", "rand-sl5", "ncsc-secure-ai", "dsit-ai-cop" })
            Assert.That(stdout, Does.Contain(id));
    }

    [Test]
    public void ControlsShowExplainsAControl()
    {
        var (code, stdout, _) = WeightGuardProcess.Run("controls", "show", "WG-ACL-004");
        Assert.That(code, Is.Zero);
        Assert.That(stdout, Does.Contain("No human can read weights directly")
            .And.Contain("rand: RAND RR-A2849-1 (2024) table 6.3, weight access: SL3 (direct)").And.Contain("rand-sl3")
            .And.Contain("how to check by hand: ").And.Contain("revision: 1"));
    }

    [Test]
    public void VersionIsPrinted()
    {
        var (code, stdout, _) = WeightGuardProcess.Run("--version");
        Assert.That((code, stdout.Trim()), Is.EqualTo((0, typeof(WeightGuardProcess).Assembly.GetName().Version!.ToString(3))));
    }
}
