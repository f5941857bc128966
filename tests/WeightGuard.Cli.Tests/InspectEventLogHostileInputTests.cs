using System.Buffers.Binary;
using System.Text.Json;
using WeightGuard.Testing;
using WeightGuard.Tpm;
using WeightGuard.Tpm.EventLog;
using WeightGuard.Tpm.Tests;

namespace WeightGuard.Cli.Tests;

/// <summary>
/// <c>inspect eventlog</c> on hostile and forged logs, through the real binary: one line and exit 2 for what cannot be
/// parsed, never a stack trace, and at most 256 MiB of managed heap (the GC's hard limit turns more into a crash).
/// </summary>
public class InspectEventLogHostileInputTests
{
    private static string Corpus => Path.Combine(RepoPaths.Fixtures, "eventlogs");

    private string _dir = "";

    [SetUp]
    public void CreateDirectory() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), $"weightguard-eventlog-{Guid.NewGuid():N}"));

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private string Write(byte[] bytes)
    {
        var path = Path.Combine(_dir, "log.bin");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Runs <c>weightguard</c> under a 256 MiB managed-heap limit and a 20-second hang guard.</summary>
    private static (int Code, string Stdout, string Stderr) Run(params string[] args) =>
        ExternalTool.Run("dotnet", [WeightGuardProcess.Dll, "inspect", "eventlog", .. args], timeout: TimeSpan.FromSeconds(20),
            env: new Dictionary<string, string> { ["NO_COLOR"] = "1", ["DOTNET_GCHeapHardLimit"] = "0x10000000" });

    private static void AssertOneLineRefusal(string path, (int Code, string Stdout, string Stderr) run, string problem)
    {
        Assert.That(run.Code, Is.EqualTo(2), run.Stderr);
        Assert.That(run.Stdout, Is.Empty);
        Assert.That(run.Stderr.TrimEnd('\n'), Does.Not.Contain('\n').And.Not.Contain("   at "));
        Assert.That(run.Stderr.Trim(), Does.StartWith($"{path}: offset ").And.EndWith(problem));
    }

    /// <summary>The go-tpm-tools RHEL 8 log, the offset of its first TCG_PCR_EVENT2 (SHA-1 digest first) and of that event's eventSize.</summary>
    private static (byte[] Bytes, int FirstEvent, int EventSize) Rhel8()
    {
        var bytes = File.ReadAllBytes(Path.Combine(Corpus, "go-tpm-tools", "rhel8-uefi.bin"));
        var events = TcgEventLogParser.Parse(bytes).Events;
        return (bytes, (int)events[1].Offset, (int)events[2].Offset - events[1].Data.Length - 4);
    }

    [Test]
    public void SameDigestAlgorithmTwiceExitsTwoInOneLine()
    {
        // The crash the fuzzer found: the second digest's algorithm rewritten to the first's.
        var (bytes, at, _) = Rhel8();
        var secondAlg = at + 12 + 2 + 20;
        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(secondAlg)), Is.EqualTo((ushort)TpmAlgId.Sha256));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(secondAlg), (ushort)TpmAlgId.Sha1);
        var path = Write(bytes);
        AssertOneLineRefusal(path, Run(path), "event 1: digest algorithm sha1 is listed twice");
    }

    [Test]
    public void HugeDigestCountExitsTwo()
    {
        var (bytes, at, _) = Rhel8();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 8), uint.MaxValue);
        var path = Write(bytes);
        AssertOneLineRefusal(path, Run(path), "event 1: digest count 4294967295 exceeds the maximum 16");
    }

    [Test]
    public void HugeEventSizeExitsTwo()
    {
        var (bytes, at, size) = Rhel8();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(size), 0xFFFFFFF0);
        var path = Write(bytes);
        AssertOneLineRefusal(path, Run(path), $"the log ends inside the event at offset {at}");
    }

    [Test]
    public void TruncatedInsideEveryFieldExitsTwo()
    {
        var (bytes, at, size) = Rhel8();
        foreach (var cut in new[] { at + 2, at + 10, at + 13, at + 20, size - 1, size + 2, size + 5 })
        {
            var path = Write(bytes[..cut]);
            AssertOneLineRefusal(path, Run(path), $"the log ends inside the event at offset {at}");
        }
    }

    [Test]
    public void SixteenMebibytesOfEmptyEventsExitTwoWithinTheMemoryLimit()
    {
        var header = new SyntheticLog(TpmAlgId.Sha256).Build();
        var bytes = new byte[TcgEventLogParser.MaxLogSize];
        header.CopyTo(bytes, 0);
        for (var at = header.Length; at + 16 <= bytes.Length; at += 16) bytes[at + 4] = 1;  // EV_POST_CODE, no digest, no data
        var path = Write(bytes);
        AssertOneLineRefusal(path, Run(path), $"more than {TcgEventLogParser.MaxEvents} events");
    }

    [Test]
    public void LogAtTheEventLimitPrintsWithinTheMemoryLimit()
    {
        var log = new SyntheticLog(TpmAlgId.Sha1, TpmAlgId.Sha256, TpmAlgId.Sha384, TpmAlgId.Sha512);
        for (var i = 1; i < TcgEventLogParser.MaxEvents; i++) log.Add((uint)(i % 24), TcgEventType.EfiAction, "Calling EFI Application from Boot Option"u8.ToArray());
        var run = Run(Write(log.Build()));
        Assert.That(run.Code, Is.Zero, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.That(json.RootElement.GetProperty("eventCount").GetInt32(), Is.EqualTo(TcgEventLogParser.MaxEvents));
        Assert.That(json.RootElement.GetProperty("pcrs").GetProperty("sha512").EnumerateObject().Count(), Is.EqualTo(24));
    }

    [Test]
    public void ForgedSecureBootDataIsReportedAndNotRead()
    {
        var bytes = File.ReadAllBytes(Path.Combine(Corpus, "go-tpm-tools", "ubuntu-2104-no-secure-boot.bin"));
        var log = TcgEventLogParser.Parse(bytes);
        var e = log.Events.Single(e => e.EventType == TcgEventType.EfiVariableDriverConfig && UefiVariableData.TryParse(e.Data)?.Name == "SecureBoot");
        bytes[(int)log.Events[e.Number + 1].Offset - 1] = 1;  // "on", digests still those of "off"

        var honest = Run(Path.Combine(Corpus, "go-tpm-tools", "ubuntu-2104-no-secure-boot.bin"));
        var forged = Run(Write(bytes));
        Assert.That(forged.Code, Is.Zero, forged.Stderr);
        using var before = JsonDocument.Parse(honest.Stdout);
        using var after = JsonDocument.Parse(forged.Stdout);
        Assert.That(after.RootElement.GetProperty("pcrs").ToString(), Is.EqualTo(before.RootElement.GetProperty("pcrs").ToString()));
        Assert.That(before.RootElement.GetProperty("secureBoot").GetProperty("enabled").GetBoolean(), Is.False);
        Assert.That(after.RootElement.GetProperty("secureBoot").TryGetProperty("enabled", out _), Is.False, "null is not printed");
        var ev = after.RootElement.GetProperty("events")[e.Number];
        Assert.That(ev.GetProperty("digestCheck").GetString(), Is.EqualTo("mismatch"));
        Assert.That(ev.TryGetProperty("description", out _), Is.False);
        Assert.That(after.RootElement.GetProperty("digestMismatches").GetInt32(), Is.EqualTo(before.RootElement.GetProperty("digestMismatches").GetInt32() + 1));
        Assert.That(after.RootElement.GetProperty("secureBoot").GetProperty("unverified").EnumerateArray().Select(u => u.GetString()),
            Has.Some.StartWith($"event {e.Number} (EV_EFI_VARIABLE_DRIVER_CONFIG, PCR 7): the sha1, sha256"));
    }

    [Test]
    public void PaddedTdxLogPrintsItsRtmrsWithCc()
    {
        var run = Run(Path.Combine(Corpus, "go-eventlog", "cos-113-intel-tdx-dupe-separator.bin"), "--cc");
        Assert.That(run.Code, Is.Zero, run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.That(json.RootElement.GetProperty("kind").GetString(), Is.EqualTo("cc"));
        Assert.That(json.RootElement.GetProperty("paddingOffset").GetInt32(), Is.Positive);
        Assert.That(json.RootElement.TryGetProperty("pcrs", out _), Is.False);
        Assert.That(json.RootElement.GetProperty("measurementRegisters").GetProperty("sha384").EnumerateObject().Select(p => p.Name),
            Is.EquivalentTo(new[] { "RTMR0", "RTMR1", "RTMR2" }));
    }
}
