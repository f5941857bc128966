using WeightGuard.Testing;

namespace WeightGuard.Cli.Tests;

/// <summary><c>controls validate</c> refuses controls an auditor could not rely on.</summary>
public class ValidateCommandTests
{
    private string _dir = "";

    [SetUp]
    public void CopyTheCatalogue()
    {
        _dir = Directory.CreateTempSubdirectory("wg-validate-").FullName;
        foreach (var sub in new[] { "controls", "profiles", "frameworks" })
        {
            Directory.CreateDirectory(Path.Combine(_dir, sub));
            foreach (var f in Directory.GetFiles(Path.Combine(RepoPaths.Root, sub)))
                File.Copy(f, Path.Combine(_dir, sub, Path.GetFileName(f)));
        }
    }

    [TearDown]
    public void Remove() => Directory.Delete(_dir, true);

    private string Control(string id) => Path.Combine(_dir, "controls", id + ".yaml");

    private static int LineOf(string file, string text) => File.ReadAllLines(file).ToList().FindIndex(l => l.Contains(text, StringComparison.Ordinal)) + 1;

    [Test]
    public void AReferenceWithoutMappingStatusFails()
    {
        var file = Control("WG-ACL-001");
        File.WriteAllText(file, File.ReadAllText(file).Replace("measure: \"AC-3\", mapping: partial}", "measure: \"AC-3\"}"));
        var (code, _, stderr) = WeightGuardProcess.Run("controls", "validate", _dir);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.StartWith($"{file}:{LineOf(file, "measure: \"AC-3\"}")}: missing required key 'mapping'"));
    }

    [Test]
    public void AControlWithoutCheckTextFails()
    {
        var file = Control("WG-SSH-001");
        var lines = File.ReadAllLines(file).ToList();
        var at = lines.FindIndex(l => l == "  text: >-");
        lines.RemoveRange(at, lines.Skip(at + 1).TakeWhile(l => l.StartsWith("    ", StringComparison.Ordinal)).Count() + 1);
        File.WriteAllLines(file, lines);
        var (code, _, stderr) = WeightGuardProcess.Run("controls", "validate", _dir);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("missing required key 'text'"));
    }

    [Test]
    public void AReferenceToAMeasureTheFrameworkDoesNotListFails()
    {
        var file = Control("WG-ACL-004");
        File.WriteAllText(file, File.ReadAllText(file).Replace("measure: \"sl3.permitted-interfaces\"", "measure: \"sl3.gold-plated\""));
        var (code, _, stderr) = WeightGuardProcess.Run("controls", "validate", _dir);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("WG-ACL-004 cites rand measure 'sl3.gold-plated', which"));
    }

    [Test]
    public void AnAutomatedControlWithoutFixturesFailsAndManualOnesNeedNone()
    {
        var fixtures = Path.Combine(_dir, "fixtures");
        Directory.CreateDirectory(Path.Combine(fixtures, "WG-ACL-001", "pass"));
        var (code, _, stderr) = WeightGuardProcess.Run("controls", "validate", _dir, "--fixtures", fixtures);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("WG-ACL-001 has no 'fail' fixture").And.Contain("WG-SSH-001 has no 'pass' fixture"));
        Assert.That(stderr, Does.Not.Contain("WG-ACL-001 has no 'pass' fixture").And.Not.Contain("WG-ORG-001"));
    }

    [Test]
    public void NoFileExcusesAnAutomatedControlFromItsFixtures()
    {
        var fixtures = Path.Combine(_dir, "fixtures");
        Directory.CreateDirectory(Path.Combine(fixtures, "WG-ACL-001", "pass"));
        // the list of pending controls that once excused missing trees is gone: a file of that name changes nothing
        File.WriteAllText(Path.Combine(fixtures, "PENDING"), "WG-ACL-001 trees not written yet\nWG-SSH-001 trees not written yet\n");
        var (code, _, stderr) = WeightGuardProcess.Run("controls", "validate", _dir, "--fixtures", fixtures);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("WG-ACL-001 has no 'fail' fixture").And.Contain("WG-SSH-001 has no 'pass' fixture"));
    }
}
