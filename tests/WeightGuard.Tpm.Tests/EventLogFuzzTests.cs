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

        var mutator = new EventLogMutator(seed: 1);
        var parsed = 0;
        for (var i = 0; i < Executions; i++)
        {
            var input = mutator.Mutate(seeds[i % seeds.Count], seeds[(i * 7 + 3) % seeds.Count]);
            try { if (EventLogTarget.Run(input)) parsed++; }
            catch (Exception e)
            {
                Assert.Fail($"execution {i}: {e.GetType().Name}: {e.Message}; input (base64): {Convert.ToBase64String(input)}");
            }
        }
        TestContext.Out.WriteLine($"{Executions} executions: {parsed} parsed, {Executions - parsed} refused, no crash");
        Assert.That(parsed, Is.Positive.And.LessThan(Executions), "the mutations reach both the accepting and the refusing paths");
    }
}
