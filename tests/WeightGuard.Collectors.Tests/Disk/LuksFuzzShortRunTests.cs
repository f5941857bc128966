using WeightGuard.Fuzz.Luks;
using WeightGuard.Testing;

namespace WeightGuard.Collectors.Tests.Disk;

/// <summary>
/// The short LUKS fuzz run (fuzz/LuksFuzz/README.md has the long, coverage-guided one): a fixed number of deterministic
/// LUKS-aware mutations of the seed corpus through the parser and summariser. Any exception other than a refusal fails
/// the test and saves the input; so does an execution that allocates more than a header can justify.
/// </summary>
[TestFixture]
public sealed class LuksFuzzShortRunTests
{
    private const long Executions = 20_000;

    /// <summary>Two header copies of at most 4 MiB, probes of the secondary offsets, and the parsed JSON.</summary>
    private const long AllocationCeiling = 48L << 20;

    [Test]
    public void Mutated_headers_are_accepted_or_refused_never_crash()
    {
        var seedsDir = Path.Combine(RepoPaths.Root, "fuzz", "LuksFuzz", "seeds");
        var seeds = Directory.GetFiles(seedsDir).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        Assert.That(seeds, Has.Count.GreaterThanOrEqualTo(4), seedsDir);
        var result = LuksFuzzLoop.Run(seeds, seed: 20261203, Executions);
        TestContext.Progress.WriteLine($"LUKS short fuzz run: {result.Executions} executions, {result.Accepted} accepted, " +
                                       $"max {result.MaxAllocatedBytes / 1024} KiB allocated by one execution");
        Assert.Multiple(() =>
        {
            Assert.That(result.Crash, Is.Null, () => $"crash on the input saved as {SaveCrash(result.CrashInput!)}: {result.Crash}");
            Assert.That(result.Executions, Is.EqualTo(Executions));
            Assert.That(result.Accepted, Is.InRange(1, Executions - 1), "the mutations reach both verdicts");
            Assert.That(result.MaxAllocatedBytes, Is.LessThan(AllocationCeiling));
        });
    }

    private static string SaveCrash(byte[] input)
    {
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "luks-fuzz-crash.bin");
        File.WriteAllBytes(path, input);
        return path;
    }
}
