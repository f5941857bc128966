using System.Buffers.Binary;
using WeightGuard.Testing;
using WeightGuard.Tpm.EventLog;

namespace WeightGuard.Tpm.Tests;

public class EventLogTests
{
    private static string LogDir => Path.Combine(RepoPaths.SharedTestData, "tpm-eventlogs");

    public static IEnumerable<string> SharedLogs() =>
        Directory.GetFiles(Path.Combine(RepoPaths.SharedTestData, "tpm-eventlogs"), "*.bin.yaml").Select(f => Path.GetFileName(f)[..^5]).Order();

    /// <summary>The <c>pcrs:</c> section that tpm2_eventlog printed: bank → PCR → value.</summary>
    private static Dictionary<string, Dictionary<int, string>> PublishedPcrs(string yaml)
    {
        var banks = new Dictionary<string, Dictionary<int, string>>();
        Dictionary<int, string>? bank = null;
        var inPcrs = false;
        foreach (var line in File.ReadLines(yaml))
        {
            if (line == "pcrs:") { inPcrs = true; continue; }
            if (!inPcrs) continue;
            if (line.StartsWith("  ") && !line.StartsWith("    ") && line.TrimEnd().EndsWith(':'))
                banks[line.Trim().TrimEnd(':')] = bank = new Dictionary<int, string>();
            else if (line.StartsWith("    ") && bank is not null)
            {
                var parts = line.Split(':', 2);
                bank[int.Parse(parts[0])] = parts[1].Trim()[2..];
            }
        }
        return banks;
    }

    [TestCaseSource(nameof(SharedLogs))]
    public void ReplaysToThePublishedPcrs(string name)
    {
        var log = TcgEventLogParser.Parse(File.ReadAllBytes(Path.Combine(LogDir, name)));
        var replayed = PcrReplay.Replay(log);
        var expected = PublishedPcrs(Path.Combine(LogDir, name + ".yaml"));
        Assert.That(expected, Is.Not.Empty);
        Assert.That(replayed.Algorithms.Select(TpmHash.Describe), Is.EquivalentTo(expected.Keys));
        foreach (var (bank, pcrs) in expected)
        {
            var alg = TpmHash.FromName(bank)!.Value;
            Assert.That(replayed.Bank(alg).ToDictionary(kv => kv.Key, kv => Convert.ToHexStringLower(kv.Value)), Is.EquivalentTo(pcrs), bank);
        }
    }

    [TestCaseSource(nameof(SharedLogs))]
    public void EventTypesMatchTpm2EventLog(string name)
    {
        var log = TcgEventLogParser.Parse(File.ReadAllBytes(Path.Combine(LogDir, name)));
        var published = File.ReadLines(Path.Combine(LogDir, name + ".yaml"))
            .Where(l => l.TrimStart().StartsWith("EventType: ")).Select(l => l.Trim()["EventType: ".Length..]).ToList();
        Assert.That(log.Events.Select(e => TcgEventType.Name(e.EventType)), Is.EqualTo(published));
    }

    [Test]
    public void Sha1LogIsRecognisedAsTheLegacyFormat()
    {
        var log = TcgEventLogParser.Parse(File.ReadAllBytes(Path.Combine(LogDir, "event-uefi-sha1-log.bin")));
        Assert.That(log.CryptoAgile, Is.False);
        Assert.That(log.Algorithms.Select(a => a.Algorithm), Is.EqualTo(new[] { TpmAlgId.Sha1 }));
    }

    [Test]
    public void SecureBootVariablesAreReadFromTheLog()
    {
        var log = TcgEventLogParser.Parse(File.ReadAllBytes(Path.Combine(LogDir, "event-arch-linux.bin")));
        var sb = SecureBootLog.From(log);
        var yaml = File.ReadAllText(Path.Combine(LogDir, "event-arch-linux.bin.yaml"));
        Assert.That(sb.Variables.Select(v => v.Name), Is.EqualTo(new[] { "PK", "KEK", "db", "dbx" }));
        // tpm2_eventlog prints the SecureBoot variable's data; the log records it measured, whatever its value
        Assert.That(sb.Enabled, Is.Not.Null);
        Assert.That(yaml, Does.Contain("UnicodeName: SecureBoot"));
        foreach (var v in sb.Variables.Where(v => v.Length > 0))
            Assert.That(v.SignatureCount, Is.GreaterThan(0), v.Name);
    }

    [Test]
    public void VariableDigestsCoverTheWholeUefiVariableData()
    {
        var log = TcgEventLogParser.Parse(File.ReadAllBytes(Path.Combine(LogDir, "event-uefivar.bin")));
        var e = log.Events.Single(e => e.EventType == TcgEventType.EfiVariableDriverConfig);
        foreach (var d in e.Digests)
            Assert.That(d.Digest, Is.EqualTo(TpmHash.Hash(d.Algorithm, e.Data)));
        Assert.That(TcgEventDescriber.Describe(e), Does.Contain("8be4df61-93ca-11d2-aa0d-00e098032b8c").Or.StartsWith("SecureBoot ="));
    }

    [Test]
    public void BootApplicationsAreDescribedWithTheirPathAndLength()
    {
        var log = TcgEventLogParser.Parse(File.ReadAllBytes(Path.Combine(LogDir, "event-moklisttrusted.bin")));
        var blocks = File.ReadAllText(Path.Combine(LogDir, "event-moklisttrusted.bin.yaml")).Split("- EventNum:")
            .Where(b => b.Contains("EventType: EV_EFI_BOOT_SERVICES_APPLICATION")).ToList();
        var expected = blocks.Select(b =>
        {
            var lines = b.Split('\n');
            var length = lines.Single(l => l.Contains("ImageLengthInMemory: ")).Split(": ")[1];
            var path = lines.Single(l => l.StartsWith("    DevicePath: "));
            var file = path.IndexOf("File(") is var at and >= 0 ? path[(at + 5)..path.LastIndexOf(')')] : "";
            return file == "" ? $"image of {length} bytes" : $"image of {length} bytes: {file}";
        });
        var apps = log.Events.Where(e => e.EventType == TcgEventType.EfiBootServicesApplication).Select(TcgEventDescriber.Describe);
        Assert.That(apps, Is.EqualTo(expected));
        Assert.That(apps, Has.Some.EndsWith(@"\EFI\redhat\shimx64.efi"));
    }

    [Test]
    public void ActionsAreDescribedByTheirText()
    {
        var log = TcgEventLogParser.Parse(File.ReadAllBytes(Path.Combine(LogDir, "event-uefiaction.bin")));
        Assert.That(TcgEventDescriber.Describe(log.Events.Single(e => e.EventType == TcgEventType.EfiAction)),
            Is.EqualTo("Calling EFI Application from Boot Option"));
    }

    // --- hostile input -------------------------------------------------------------------------------------------

    private static byte[] SmallLog() => File.ReadAllBytes(Path.Combine(LogDir, "event.bin"));

    /// <summary>Offset of the first TCG_PCR_EVENT2 (just after the Spec ID event).</summary>
    private static int FirstEvent2(byte[] log) => 32 + (int)BinaryPrimitives.ReadUInt32LittleEndian(log.AsSpan(28));

    [Test]
    public void HugeEventSizeIsRejectedWithItsOffset()
    {
        var log = SmallLog();
        var at = FirstEvent2(log);
        var sizeAt = at + 12 + 4 * 2 + 20 + 32 + 48 + 64;   // pcr, type, count, 4×(alg) and the four digests
        BinaryPrimitives.WriteUInt32LittleEndian(log.AsSpan(sizeAt), 0xFFFFFFF0);
        var e = Assert.Throws<EventLogFormatException>(() => TcgEventLogParser.Parse(log));
        Assert.That(e!.Message, Is.EqualTo($"offset {sizeAt + 4}: event data needs 4294967280 bytes but only {log.Length - sizeAt - 4} remain: the log ends inside the event at offset {at}"));
    }

    [Test]
    public void UnknownDigestAlgorithmIsRejectedWithItsOffset()
    {
        var log = SmallLog();
        var algAt = FirstEvent2(log) + 12;
        BinaryPrimitives.WriteUInt16LittleEndian(log.AsSpan(algAt), 0x0099);
        var e = Assert.Throws<EventLogFormatException>(() => TcgEventLogParser.Parse(log));
        Assert.That(e!.Message, Is.EqualTo($"offset {algAt}: event 1: unknown digest algorithm 0x0099 (not in the Spec ID event)"));
    }

    [Test]
    public void HugeDigestCountIsRejected()
    {
        var log = SmallLog();
        var countAt = FirstEvent2(log) + 8;
        BinaryPrimitives.WriteUInt32LittleEndian(log.AsSpan(countAt), 1_000_000);
        var e = Assert.Throws<EventLogFormatException>(() => TcgEventLogParser.Parse(log));
        Assert.That(e!.Offset, Is.EqualTo(countAt));
    }

    [Test]
    public void EveryTruncationOfARealLogIsRejectedPrecisely()
    {
        var full = File.ReadAllBytes(Path.Combine(LogDir, "event-uefiaction.bin"));
        var log = TcgEventLogParser.Parse(full);
        var boundaries = log.Events.Select(e => (int)e.Offset).Append(full.Length).ToHashSet();
        for (var length = 1; length < full.Length; length++)
        {
            if (boundaries.Contains(length)) { Assert.That(TcgEventLogParser.Parse(full.AsSpan(0, length)).Events, Is.Not.Empty); continue; }
            var e = Assert.Throws<EventLogFormatException>(() => TcgEventLogParser.Parse(full.AsSpan(0, length)), $"length {length}");
            Assert.That(e!.Message, Does.Contain("the log ends inside the event at offset"), $"length {length}");
            Assert.That(e.Offset, Is.LessThanOrEqualTo(length));
        }
    }

    [Test]
    public void RandomBytesNeverCrashTheParser()
    {
        var random = new Random(1234);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = SmallLog();
            for (var j = 0; j < 4; j++) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            try
            {
                var log = TcgEventLogParser.Parse(bytes);
                PcrReplay.Replay(log);
                foreach (var e in log.Events) TcgEventDescriber.Describe(e);
                SecureBootLog.From(log);
            }
            catch (EventLogFormatException) { }
        }
    }

    [Test]
    public void EmptyLogIsRejected() =>
        Assert.That(() => TcgEventLogParser.Parse([]), Throws.TypeOf<EventLogFormatException>().With.Message.EqualTo("offset 0: log is empty"));

    [Test]
    public void StartupLocalitySetsPcr0sStartingValue()
    {
        // A crypto-agile log with one SHA-256 bank: header, StartupLocality(3), one event into PCR 0.
        var header = new List<byte>();
        var spec = new List<byte>();
        spec.AddRange("Spec ID Event03\0"u8.ToArray());
        spec.AddRange(new byte[] { 0, 0, 0, 0, 0, 2, 0, 2, 1, 0, 0, 0, 0x0B, 0, 32, 0, 0 });
        header.AddRange(U32(0)); header.AddRange(U32(3)); header.AddRange(new byte[20]); header.AddRange(U32((uint)spec.Count)); header.AddRange(spec);
        byte[] Event2(uint pcr, uint type, byte[] digest, byte[] data) =>
            [.. U32(pcr), .. U32(type), .. U32(1), 0x0B, 0, .. digest, .. U32((uint)data.Length), .. data];
        var measured = TpmHash.Hash(TpmAlgId.Sha256, "firmware"u8);
        byte[] bytes = [.. header, .. Event2(0, 3, new byte[32], [.. "StartupLocality\0"u8.ToArray(), 3]), .. Event2(0, 8, measured, [1, 2])];
        var replayed = PcrReplay.Replay(TcgEventLogParser.Parse(bytes));
        var start = new byte[32];
        start[31] = 3;
        Assert.That(replayed.Get(TpmAlgId.Sha256, 0), Is.EqualTo(TpmHash.Hash(TpmAlgId.Sha256, [.. start, .. measured])));
    }

    private static byte[] U32(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        return b;
    }
}
