using WeightGuard.Fuzz.EventLog;
using WeightGuard.Testing;

namespace WeightGuard.Tpm.Tests;

/// <summary>The short fuzz run of the event-log parser: deterministic mutations of the seed corpus, failing on any crash.</summary>
public class EventLogFuzzTests
{
    /// <summary>Executions of the short run (the long, coverage-guided run is in fuzz/README.md).</summary>
    private const int Executions = 20_000;

    [Test]
    public void MutatedLogsNeverCrashTheParser()
    {
        var seeds = Directory.GetFiles(Path.Combine(RepoPaths.Root, "fuzz", "EventLogFuzz", "seeds"))
            .Concat(Directory.GetFiles(Path.Combine(RepoPaths.Fixtures, "eventlogs"), "*", SearchOption.AllDirectories)
                .Where(f => !Path.GetFileName(f).Contains('.') || f.EndsWith(".bin", StringComparison.Ordinal) || f.EndsWith("_eventlog", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        Assert.That(seeds, Has.Count.GreaterThan(20));
        Assert.That(seeds.Select(s => EventLogTarget.Run(s)), Is.All.True, "every seed parses");

        var run = MutationRun.Run(seeds, Executions);
        Assert.That(run.Crash, Is.Null, () => $"execution {run.Executions}: {run.Crash}; input (base64): {Convert.ToBase64String(run.CrashInput!)}");
        TestContext.Out.WriteLine($"{run.Executions} executions: {run.Parsed} parsed, {run.Executions - run.Parsed} refused, no crash");
        Assert.That(run.Parsed, Is.Positive.And.LessThan(Executions), "the mutations reach both the accepting and the refusing paths");
    }
}
