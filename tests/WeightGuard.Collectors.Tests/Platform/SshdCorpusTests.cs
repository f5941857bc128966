using WeightGuard.Collectors.Platform;
using WeightGuard.Collectors.Platform.Ssh;
using WeightGuard.Testing;

namespace WeightGuard.Collectors.Tests.Platform;

/// <summary>
/// tests/fixtures/sshd (SOURCES.md) through WeightGuard's parser and the real <c>sshd -T</c>: the same files accepted
/// and refused, and for those accepted the same effective values of every keyword WeightGuard judges.
/// </summary>
public class SshdCorpusTests
{
    private static readonly string Corpus = Path.Combine(RepoPaths.Fixtures, "sshd");

    public static IEnumerable<string> Files() => Directory.GetFiles(Corpus, "*.conf").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    private static (SshdConfig? Config, string? Error) Ours(string name)
    {
        try
        {
            return (new SshdConfigParser(new ConfigFileBudget(new HostRoot(Corpus))).Parse("/" + name), null);
        }
        catch (InvalidDataException e)
        {
            return (null, e.Message);
        }
    }

    [TestCaseSource(nameof(Files))]
    public void RefusedFilesAreNamedAsTheCorpusSays(string name)
    {
        var (_, error) = Ours(name);
        Assert.That(error is null, Is.EqualTo(name.StartsWith("valid-", StringComparison.Ordinal) || !name.StartsWith("invalid-", StringComparison.Ordinal)), error);
        if (error is not null) Assert.That(error, Does.Match($"^/{name}:[0-9]+: "), "the error names file:line");
    }

    [Test]
    public void AgreesWithSshdT()
    {
        var sshd = ExternalTool.Require("sshd");
        if (!Directory.Exists("/run/sshd") && !ExternalTool.InCi) Assert.Ignore("sshd -T needs /run/sshd");
        Directory.CreateDirectory("/run/sshd");
        var keyDir = Directory.CreateTempSubdirectory("wg-sshd-key-").FullName;
        try
        {
            var key = Path.Combine(keyDir, "hostkey");
            ExternalTool.Run(ExternalTool.Require("ssh-keygen"), ["-q", "-t", "ed25519", "-N", "", "-f", key]);
            var files = Files().ToList();
            int verdicts = 0, valuesCompared = 0, valuesAgreeing = 0;
            var disagreements = new List<string>();
            foreach (var name in files)
            {
                var (rc, stdout, stderr) = ExternalTool.Run(sshd, ["-T", "-f", Path.Combine(Corpus, name), "-h", key]);
                var (ours, error) = Ours(name);
                if ((rc == 0) == (ours is not null)) verdicts++;
                else disagreements.Add($"{name}: sshd {(rc == 0 ? "accepts" : "refuses: " + stderr.Trim())}; WeightGuard {error ?? "accepts"}");
                if (rc != 0 || ours is null) continue;
                var real = stdout.Split('\n').Where(l => l.Contains(' ')).GroupBy(l => l[..l.IndexOf(' ')])
                    .ToDictionary(g => g.Key, g => string.Join(' ', g.Select(l => l[(l.IndexOf(' ') + 1)..]))); // AllowUsers: one line per user
                foreach (var (keyword, _) in SshdConfigParser.Keywords)
                {
                    // sshd -T prints an empty AllowUsers/AllowGroups not at all; 9.2 prints prohibit-password by its older alias
                    var theirs = real.TryGetValue(keyword.ToLowerInvariant(), out var v) ? v.Replace("without-password", "prohibit-password") : "";
                    valuesCompared++;
                    if (ours.Value(keyword) == theirs) valuesAgreeing++;
                    else disagreements.Add($"{name}: {keyword} is '{theirs}' to sshd, '{ours.Value(keyword)}' to WeightGuard");
                }
            }
            TestContext.Out.WriteLine($"sshd corpus: {verdicts} of {files.Count} files accepted/refused alike by {sshd} -T; " +
                                      $"{valuesAgreeing} of {valuesCompared} judged values equal");
            Assert.That(disagreements, Is.Empty);
        }
        finally
        {
            Directory.Delete(keyDir, recursive: true);
        }
    }
}
