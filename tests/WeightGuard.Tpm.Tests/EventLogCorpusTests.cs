using System.Text.Json;
using WeightGuard.Testing;
using WeightGuard.Tpm.EventLog;

namespace WeightGuard.Tpm.Tests;

/// <summary>
/// Event logs from other attestation projects (tests/fixtures/eventlogs, see SOURCES.md) replayed and compared with the
/// register values those projects publish for them.
/// </summary>
public class EventLogCorpusTests
{
    private static string Dir => Path.Combine(RepoPaths.Fixtures, "eventlogs");

    /// <summary>One log and its published values: bank → register (PCR index, or RTMRn) → hex.</summary>
    public sealed record Published(string File, string Project, string Registers, Dictionary<string, Dictionary<string, string>> Banks)
    {
        public override string ToString() => File;
    }

    public static IEnumerable<Published> Logs()
    {
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllBytes(Path.Combine(Dir, "expected-pcrs.json")));
        return doc.RootElement.GetProperty("logs").EnumerateArray().Select(l => new Published(
            l.GetProperty("file").GetString()!, l.GetProperty("project").GetString()!, l.GetProperty("registers").GetString()!,
            l.GetProperty("banks").EnumerateObject().ToDictionary(b => b.Name,
                b => b.Value.EnumerateObject().ToDictionary(r => r.Name, r => r.Value.GetString()!)))).ToList();
    }

    /// <summary>
    /// Where WeightGuard disagrees on purpose. go-attestation's <c>TestEBSVerifyWorkaround</c> log lacks the "Exit Boot
    /// Services Returned with Success" event its firmware extended into PCR 5; go-attestation appends the missing event
    /// before comparing. WeightGuard replays only what the log holds: a log that does not explain a PCR is reported as such.
    /// </summary>
    private static readonly Dictionary<string, string[]> IntendedDisagreements = new()
    {
        ["go-attestation/ebs_event_missing_eventlog"] = ["sha1:5"],
    };

    /// <summary>
    /// Every published register the log extends, in a bank the log carries, must be the log's replay of it. Published
    /// registers the log does not extend (PCR 10 from IMA, PCRs 17–22, a SHA-256 value for a SHA-1 log) are not compared,
    /// as go-attestation's and go-eventlog's own replay does not compare them.
    /// </summary>
    private static (List<string> Disagreements, int Compared) Compare(Published published)
    {
        var log = TcgEventLogParser.Parse(System.IO.File.ReadAllBytes(Path.Combine(Dir, published.File)));
        var rtmr = published.Registers == "rtmr";
        var replayed = rtmr ? PcrReplay.ReplayMeasurementRegisters(log) : PcrReplay.Replay(log);
        var disagreements = new List<string>();
        var compared = 0;
        foreach (var (bank, registers) in published.Banks)
        {
            var alg = TpmHash.FromName(bank) ?? throw new InvalidDataException($"bank {bank}");
            foreach (var (name, hex) in registers)
            {
                var index = rtmr ? int.Parse(name["RTMR".Length..]) + 1 : int.Parse(name);
                if (replayed.Get(alg, index) is not { } value) continue;
                compared++;
                if (Convert.ToHexStringLower(value) != hex) disagreements.Add($"{bank}:{name}");
            }
        }
        return (disagreements, compared);
    }

    private static bool Agrees(Published published)
    {
        var (disagreements, compared) = Compare(published);
        return compared > 0 && disagreements.SequenceEqual(IntendedDisagreements.GetValueOrDefault(published.File, []));
    }

    [TestCaseSource(nameof(Logs))]
    public void ReplaysToThePublishedValues(Published published)
    {
        var (disagreements, compared) = Compare(published);
        Assert.That(compared, Is.Positive, "no published register is extended by the log");
        Assert.That(disagreements, Is.EqualTo(IntendedDisagreements.GetValueOrDefault(published.File, [])));
    }

    /// <summary>The agreement count per project, printed for the record; every log must agree.</summary>
    [Test]
    public void AgreementCountPerProject()
    {
        var logs = Logs().ToList();
        foreach (var project in logs.GroupBy(l => l.Project))
        {
            var exact = project.Count(l => Compare(l).Disagreements.Count == 0);
            var registers = project.Sum(l => Compare(l).Compared);
            TestContext.Out.WriteLine($"{project.Key}: {exact}/{project.Count()} logs replay exactly to their published values " +
                $"({registers} registers compared; intended differences: {project.Count(l => IntendedDisagreements.ContainsKey(l.File))})");
            Assert.That(project.All(Agrees), project.Key);
        }
        Assert.That(logs.Select(l => l.Project).Distinct(), Is.EquivalentTo(new[] { "go-tpm-tools", "go-attestation", "go-eventlog" }));
    }

    [Test]
    public void PaddedCcelEndsAtItsPaddingAndHasTheEventsOfTheUnpaddedCopy()
    {
        var padded = TcgEventLogParser.Parse(System.IO.File.ReadAllBytes(Path.Combine(Dir, "go-eventlog", "cos-113-intel-tdx-dupe-separator.bin")));
        var unpadded = TcgEventLogParser.Parse(System.IO.File.ReadAllBytes(Path.Combine(Dir, "go-eventlog", "cos-113-intel-tdx-dupe-separator-unpadded.bin")));
        Assert.That(padded.PaddingOffset, Is.Not.Null);
        Assert.That(unpadded.PaddingOffset, Is.Null);
        Assert.That(padded.Events.Select(e => (e.PcrIndex, e.EventType)), Is.EqualTo(unpadded.Events.Select(e => (e.PcrIndex, e.EventType))));
        Assert.That(padded.Algorithms.Select(a => a.Algorithm), Is.EqualTo(new[] { TpmAlgId.Sha384 }));
    }
}
