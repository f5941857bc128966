using WeightGuard.Tpm.EventLog;
using static WeightGuard.Tpm.Tests.SyntheticLog;

namespace WeightGuard.Tpm.Tests;

/// <summary>Replay rules no log of the corpus exercises: H-CRTM, the SM3-256 bank, CC measurement registers; and parser limits.</summary>
public class EventLogReplayRulesTests
{
    private static byte[] Extend(TpmAlgId alg, byte[] start, params byte[][] measured) =>
        measured.Aggregate(start, (pcr, m) => TpmHash.Hash(alg, [.. pcr, .. TpmHash.Hash(alg, m)]));

    private static byte[] Locality(TpmAlgId alg, byte locality)
    {
        var value = new byte[TpmHash.DigestSize(alg)];
        value[^1] = locality;
        return value;
    }

    [TestCase(TpmAlgId.Sha1)]
    [TestCase(TpmAlgId.Sha256)]
    [TestCase(TpmAlgId.Sha384)]
    [TestCase(TpmAlgId.Sm3_256)]
    public void HcrtmEventStartsPcr0AtLocalityFour(TpmAlgId alg)
    {
        var log = TcgEventLogParser.Parse(new SyntheticLog(alg)
            .Add(0, TcgEventType.EfiHcrtmEvent, "HCRTM"u8.ToArray(), measured: "h-crtm code"u8.ToArray())
            .Add(0, TcgEventType.SCrtmVersion, [1, 0])
            .Add(1, TcgEventType.Separator, [0, 0, 0, 0]).Build());
        var replayed = PcrReplay.Replay(log);
        Assert.That(PcrReplay.StartupLocality(log), Is.EqualTo(4));
        Assert.That(replayed.Get(alg, 0), Is.EqualTo(Extend(alg, Locality(alg, 4), "h-crtm code"u8.ToArray(), [1, 0])));
        Assert.That(replayed.Get(alg, 1), Is.EqualTo(Extend(alg, new byte[TpmHash.DigestSize(alg)], [0, 0, 0, 0])));
    }

    [TestCase((byte)3)]
    [TestCase((byte)4)]
    public void StartupLocalityEventSetsPcr0sStartingValue(byte locality)
    {
        var log = TcgEventLogParser.Parse(new SyntheticLog(TpmAlgId.Sha256)
            .AddRaw(0, TcgEventType.NoAction, [(TpmAlgId.Sha256, new byte[32])], [.. "StartupLocality\0"u8.ToArray(), locality])
            .Add(0, TcgEventType.SCrtmVersion, [1, 2]).Build());
        Assert.That(PcrReplay.Replay(log).Get(TpmAlgId.Sha256, 0), Is.EqualTo(Extend(TpmAlgId.Sha256, Locality(TpmAlgId.Sha256, locality), [1, 2])));
    }

    [Test]
    public void Sm3BankIsReplayedBesideTheOthers()
    {
        var log = TcgEventLogParser.Parse(new SyntheticLog(TpmAlgId.Sha256, TpmAlgId.Sm3_256)
            .Add(7, TcgEventType.Separator, [0, 0, 0, 0]).Add(7, TcgEventType.EfiAction, "x"u8.ToArray()).Build());
        var replayed = PcrReplay.Replay(log);
        Assert.That(replayed.Algorithms, Is.EquivalentTo(new[] { TpmAlgId.Sha256, TpmAlgId.Sm3_256 }));
        // SM3(zeros ‖ SM3(00000000)) ‖ SM3("x"), computed with Sm3 directly: the replay goes through TpmHash.
        var expected = Sm3.Hash([.. Sm3.Hash([.. new byte[32], .. Sm3.Hash([0, 0, 0, 0])]), .. Sm3.Hash("x"u8)]);
        Assert.That(replayed.Get(TpmAlgId.Sm3_256, 7), Is.EqualTo(expected));
    }

    [TestCase(0u, "MRTD")]
    [TestCase(1u, "RTMR0")]
    [TestCase(4u, "RTMR3")]
    [TestCase(5u, "MR5")]
    public void CcMeasurementRegistersAreNamedAsTheCcelSpecifies(uint index, string name) =>
        Assert.That(CcMeasurementRegister.Name(index), Is.EqualTo(name));

    [Test]
    public void CcReplayStartsEveryRegisterAtZeroWhateverTheStartupLocality()
    {
        var log = TcgEventLogParser.Parse(new SyntheticLog(TpmAlgId.Sha384)
            .Add(0, TcgEventType.EfiHcrtmEvent, [9]).Add(1, TcgEventType.Separator, [0, 0, 0, 0]).Build());
        var replayed = PcrReplay.ReplayMeasurementRegisters(log);
        Assert.That(replayed.Get(TpmAlgId.Sha384, 0), Is.EqualTo(Extend(TpmAlgId.Sha384, new byte[48], [9])));
        Assert.That(replayed.Get(TpmAlgId.Sha384, 1), Is.EqualTo(Extend(TpmAlgId.Sha384, new byte[48], [0, 0, 0, 0])));
    }

    // --- parser limits -----------------------------------------------------------------------------------------------

    [Test]
    public void SameDigestAlgorithmTwiceInOneEventIsRefused()
    {
        var digest = TpmHash.Hash(TpmAlgId.Sha256, [1]);
        var bytes = new SyntheticLog(TpmAlgId.Sha256).AddRaw(0, TcgEventType.SCrtmVersion, [(TpmAlgId.Sha256, digest), (TpmAlgId.Sha256, digest)], [1]).Build();
        var e = Assert.Throws<EventLogFormatException>(() => TcgEventLogParser.Parse(bytes));
        Assert.That(e!.Problem, Is.EqualTo("event 1: digest algorithm sha256 is listed twice"));
    }

    [Test]
    public void PaddingEndsTheLogOnlyWhenEverythingAfterIsPadding()
    {
        var log = new SyntheticLog(TpmAlgId.Sha384).Add(1, TcgEventType.Separator, [0, 0, 0, 0]).Build();
        var padded = TcgEventLogParser.Parse([.. log, .. Enumerable.Repeat((byte)0xFF, 4096)]);
        Assert.That(padded.PaddingOffset, Is.EqualTo(log.Length));
        Assert.That(padded.Events, Has.Count.EqualTo(2));
        // An event behind 0xFF bytes is not hidden: the bytes are parsed (and here refused) as an event.
        byte[] hidden = [.. log, .. Enumerable.Repeat((byte)0xFF, 16), .. new SyntheticLog(TpmAlgId.Sha384).Add(1, TcgEventType.Separator, [0, 0, 0, 0]).Build()];
        Assert.That(() => TcgEventLogParser.Parse(hidden), Throws.TypeOf<EventLogFormatException>());
    }

    [Test]
    public void MoreEventsThanTheLimitAreRefusedBeforeTheyAreAllHeld()
    {
        // Empty events (no digests, no data) are 16 bytes each: the cheapest way to a huge event count.
        var header = new SyntheticLog(TpmAlgId.Sha256).Build();
        var empty = new byte[16];
        empty[4] = 1;  // type EV_POST_CODE, pcr 0, count 0, size 0
        var bytes = new byte[header.Length + 16 * (TcgEventLogParser.MaxEvents + 10)];
        header.CopyTo(bytes, 0);
        for (var at = header.Length; at < bytes.Length; at += 16) empty.CopyTo(bytes, at);
        var e = Assert.Throws<EventLogFormatException>(() => TcgEventLogParser.Parse(bytes));
        Assert.That(e!.Problem, Is.EqualTo($"more than {TcgEventLogParser.MaxEvents} events"));
    }
}
