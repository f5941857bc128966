using WeightGuard.Collectors.Platform;
using WeightGuard.Collectors.Platform.Sudo;
using WeightGuard.Testing;

namespace WeightGuard.Collectors.Tests.Platform;

/// <summary>
/// sudo's own regression inputs (tests/fixtures/sudoers/SOURCES.md): WeightGuard accepts exactly the files sudo's parser
/// accepts, by sudo's published expected output, and agrees with the installed visudo wherever visudo agrees with it.
/// </summary>
public class SudoersCorpusTests
{
    private static readonly string Corpus = Path.Combine(RepoPaths.Fixtures, "sudoers", "sudo-regress");

    public static IEnumerable<string> Inputs() => Directory.GetFiles(Corpus, "*.in").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    /// <summary>null when WeightGuard accepts the file, else its reason.</summary>
    private static string? Ours(string name)
    {
        try
        {
            new SudoersParser(new ConfigFileBudget(new HostRoot(Corpus))).Parse("/" + name);
            return null;
        }
        catch (InvalidDataException e)
        {
            return e.Message;
        }
    }

    private static bool SudoAccepts(string name) =>
        File.ReadLines(Path.Combine(Corpus, Path.ChangeExtension(name, ".out.ok"))).FirstOrDefault() == "Parses OK";

    [TestCaseSource(nameof(Inputs))]
    public void AcceptsWhatSudoAccepts(string name)
    {
        var ours = Ours(name);
        Assert.That(ours is null, Is.EqualTo(SudoAccepts(name)), ours ?? "accepted, but sudo rejects it");
        if (ours is not null) Assert.That(ours, Does.StartWith($"/{name}:"), "the error names file:line");
    }

    [Test]
    public void AgreesWithVisudoWhereverVisudoAgreesWithSudosPublishedVerdict()
    {
        var visudo = ExternalTool.Require("visudo");
        var files = Inputs().ToList();
        var withVisudo = 0;
        var newerGrammar = new List<string>();
        foreach (var name in files)
        {
            var visudoAccepts = ExternalTool.Run(visudo, ["-c", "-f", Path.Combine(Corpus, name)]).ExitCode == 0;
            var oursAccepts = Ours(name) is null;
            if (oursAccepts == visudoAccepts) withVisudo++;
            // An older visudo than the corpus (Debian 12 ships 1.9.13) refuses grammar added since (CHROOT/CWD, AppArmor, new Defaults).
            else if (visudoAccepts != SudoAccepts(name)) newerGrammar.Add(name);
            else Assert.Fail($"{name}: visudo and sudo's published output {(visudoAccepts ? "accept" : "reject")} it, WeightGuard does not");
        }
        TestContext.Out.WriteLine($"sudoers corpus: {withVisudo} of {files.Count} agree with {visudo} -c; " +
                                  $"the other {newerGrammar.Count} use grammar newer than the installed visudo ({string.Join(", ", newerGrammar)})");
        Assert.That(withVisudo + newerGrammar.Count, Is.EqualTo(files.Count));
    }
}
