using WeightGuard.Tpm.EventLog;
using static WeightGuard.Tpm.Tests.SyntheticLog;

namespace WeightGuard.Tpm.Tests;

/// <summary>One test per rule of <see cref="EventDigestRules.Table"/>, and the Secure Boot reading that depends on it.</summary>
public class EventDigestRulesTests
{
    private static readonly TpmAlgId[] Banks = [TpmAlgId.Sha1, TpmAlgId.Sha256, TpmAlgId.Sm3_256];

    private static TcgEvent Event(uint type, byte[] data, byte[]? measured = null) =>
        TcgEventLogParser.Parse(new SyntheticLog(Banks).Add(7, type, data, measured).Build()).Events[1];

    private static byte[] SecureBoot(byte value) => Variable(UefiVariableData.EfiGlobalVariable, "SecureBoot", [value]);

    public static IEnumerable<uint> Types(DigestCoverage coverage) => EventDigestRules.Table.Where(r => r.Value.Coverage == coverage).Select(r => r.Key);

    public static IEnumerable<uint> DataTypes() => Types(DigestCoverage.EventData);

    public static IEnumerable<uint> ElsewhereTypes() => Types(DigestCoverage.Elsewhere);

    /// <summary>Sample data for a type (variable events carry UEFI_VARIABLE_DATA; others any bytes).</summary>
    private static byte[] Data(uint type) => type switch
    {
        TcgEventType.Separator => [0, 0, 0, 0],
        TcgEventType.EfiVariableDriverConfig or TcgEventType.EfiVariableAuthority or TcgEventType.EfiVariableBoot2 or TcgEventType.EfiVariableBoot => SecureBoot(1),
        _ => "event data"u8.ToArray(),
    };

    [TestCaseSource(nameof(DataTypes))]
    public void DataRuleAcceptsTheHashOfTheData(uint type) =>
        Assert.That(EventDigestRules.Check(Event(type, Data(type))).Verdict, Is.EqualTo(DigestVerdict.Matches), TcgEventType.Name(type));

    [TestCaseSource(nameof(DataTypes))]
    public void DataRuleReportsAnyOtherDigestAsAMismatch(uint type)
    {
        var check = EventDigestRules.Check(Event(type, Data(type), measured: "something else"u8.ToArray()));
        Assert.That(check.Verdict, Is.EqualTo(DigestVerdict.Mismatch), TcgEventType.Name(type));
        Assert.That(check.Detail, Does.StartWith("the sha1, sha256, sm3_256 digest is not the hash of"));
    }

    [TestCaseSource(nameof(ElsewhereTypes))]
    public void DigestsOfThingsOutsideTheLogCannotBeCheckedAgainstTheData(uint type)
    {
        // Even a digest that happens to be the hash of the data proves nothing: the profile says it is of something else.
        var check = EventDigestRules.Check(Event(type, Data(type)));
        Assert.That(check.Verdict, Is.EqualTo(DigestVerdict.NotCheckable), TcgEventType.Name(type));
        Assert.That(check.Detail, Does.StartWith("the digest covers "));
    }

    [Test]
    public void UnlistedTypesAreNotReadForMeaning()
    {
        Assert.That(EventDigestRules.Table.ContainsKey(0x0000000C), Is.False, "EV_COMPACT_HASH");
        Assert.That(EventDigestRules.Check(Event(0x0000000C, "data"u8.ToArray())).Verdict, Is.EqualTo(DigestVerdict.NotCheckable));
        Assert.That(EventDigestRules.Check(Event(0xB2000300, "vendor"u8.ToArray())).Detail, Is.EqualTo("the digest covers data outside the log"));
    }

    [Test]
    public void NoActionIsNotExtended() =>
        Assert.That(EventDigestRules.Check(Event(TcgEventType.NoAction, "StartupLocality\0\0"u8.ToArray())).Verdict, Is.EqualTo(DigestVerdict.NotExtended));

    [Test]
    public void VariableBootMayHashTheWholeStructureOrOnlyTheValue()
    {
        var data = Variable(UefiVariableData.EfiGlobalVariable, "BootOrder", [1, 0, 2, 0]);
        Assert.That(EventDigestRules.Check(Event(TcgEventType.EfiVariableBoot, data)).Verdict, Is.EqualTo(DigestVerdict.Matches));
        Assert.That(EventDigestRules.Check(Event(TcgEventType.EfiVariableBoot, data, measured: [1, 0, 2, 0])).Verdict, Is.EqualTo(DigestVerdict.Matches));
        Assert.That(EventDigestRules.Check(Event(TcgEventType.EfiVariableBoot, data, measured: [2, 0, 1, 0])).Verdict, Is.EqualTo(DigestVerdict.Mismatch));
    }

    [Test]
    public void OneDifferingBankIsEnoughForAMismatch()
    {
        var data = SecureBoot(1);
        var log = TcgEventLogParser.Parse(new SyntheticLog(TpmAlgId.Sha1, TpmAlgId.Sha256).AddRaw(7, TcgEventType.EfiVariableDriverConfig,
            [(TpmAlgId.Sha1, TpmHash.Hash(TpmAlgId.Sha1, data)), (TpmAlgId.Sha256, TpmHash.Hash(TpmAlgId.Sha256, SecureBoot(0)))], data).Build());
        var check = EventDigestRules.Check(log.Events[1]);
        Assert.That(check.Verdict, Is.EqualTo(DigestVerdict.Mismatch));
        Assert.That(check.Detail, Is.EqualTo("the sha256 digest is not the hash of the whole UEFI_VARIABLE_DATA"));
    }

    [Test]
    public void EveryDataRuleHoldsOnRealFirmwareWhereItIsMeasured()
    {
        // The rules are the profile's; real firmware must follow them on the types it logs, else the table is wrong.
        var dir = Path.Combine(WeightGuard.Testing.RepoPaths.Fixtures, "eventlogs");
        var events = Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".json") && !f.EndsWith(".md") && !f.Contains("LICENSE"))
            .SelectMany(f => TcgEventLogParser.Parse(File.ReadAllBytes(f)).Events).ToList();
        foreach (var type in new[] { TcgEventType.Separator, TcgEventType.EfiAction, TcgEventType.EfiVariableDriverConfig, TcgEventType.EfiGptEvent })
        {
            var ofType = events.Where(e => e.EventType == type).ToList();
            Assert.That(ofType, Is.Not.Empty, TcgEventType.Name(type));
            Assert.That(ofType.Select(e => EventDigestRules.Check(e).Verdict), Is.All.EqualTo(DigestVerdict.Matches), TcgEventType.Name(type));
        }
        var boot = events.Where(e => e.EventType == TcgEventType.EfiVariableBoot).Select(e => EventDigestRules.Check(e).Verdict).ToList();
        Assert.That(boot, Is.Not.Empty.And.All.EqualTo(DigestVerdict.Matches));
    }

    // --- Secure Boot only from verified events -----------------------------------------------------------------------

    [Test]
    public void ForgedSecureBootDataIsNotBelieved()
    {
        // The data says on, the digests (extended into PCR 7, so the log still replays) are those of off.
        var log = TcgEventLogParser.Parse(new SyntheticLog(Banks).Add(7, TcgEventType.EfiVariableDriverConfig, SecureBoot(1), measured: SecureBoot(0)).Build());
        var sb = SecureBootLog.From(log);
        Assert.That(sb.Enabled, Is.Null);
        Assert.That(sb.Unverified.Single().ToString(),
            Is.EqualTo("event 1 (EV_EFI_VARIABLE_DRIVER_CONFIG, PCR 7): the sha1, sha256, sm3_256 digest is not the hash of the whole UEFI_VARIABLE_DATA"));
        Assert.That(EventDigestRules.Mismatches(log).Single().Number, Is.EqualTo(1));
    }

    [TestCase((byte)1, true)]
    [TestCase((byte)0, false)]
    public void VerifiedSecureBootIsRead(byte value, bool enabled)
    {
        var log = TcgEventLogParser.Parse(new SyntheticLog(Banks).Add(7, TcgEventType.EfiVariableDriverConfig, SecureBoot(value)).Build());
        Assert.That(SecureBootLog.From(log).Enabled, Is.EqualTo(enabled));
        Assert.That(SecureBootLog.From(log).Unverified, Is.Empty);
    }

    [Test]
    public void VerifiedSecureBootEventsThatDisagreeGiveNoState()
    {
        var log = TcgEventLogParser.Parse(new SyntheticLog(Banks)
            .Add(7, TcgEventType.EfiVariableDriverConfig, SecureBoot(1)).Add(7, TcgEventType.EfiVariableDriverConfig, SecureBoot(0)).Build());
        Assert.That(SecureBootLog.From(log).Enabled, Is.Null);
    }

    [Test]
    public void ForgedDatabasesAndAuthoritiesAreNotCounted()
    {
        var db = Variable(UefiVariableData.ImageSecurityDatabase, "db", []);
        var log = TcgEventLogParser.Parse(new SyntheticLog(Banks)
            .Add(7, TcgEventType.EfiVariableDriverConfig, db, measured: [1])
            .Add(7, TcgEventType.EfiVariableAuthority, db, measured: [2])
            .Add(7, TcgEventType.EfiVariableAuthority, db).Build());
        var sb = SecureBootLog.From(log);
        Assert.That(sb.Variables, Is.Empty);
        Assert.That(sb.AuthorityEvents, Is.EqualTo(1));
        Assert.That(sb.Unverified.Select(u => u.Number), Is.EqualTo(new[] { 1, 2 }));
    }

    [Test]
    public void RealLogWithAForgedSecureBootByteStillReplaysButIsNotBelieved()
    {
        var path = Path.Combine(WeightGuard.Testing.RepoPaths.Fixtures, "eventlogs", "go-tpm-tools", "ubuntu-2104-no-secure-boot.bin");
        var bytes = File.ReadAllBytes(path);
        var original = TcgEventLogParser.Parse(bytes);
        Assert.That(SecureBootLog.From(original).Enabled, Is.False);
        var e = original.Events.Single(e => e.EventType == TcgEventType.EfiVariableDriverConfig && UefiVariableData.TryParse(e.Data)?.Name == "SecureBoot");
        // The value is the event's last byte (the next event starts right after it); set it to 1, digests untouched.
        bytes[(int)original.Events[e.Number + 1].Offset - 1] = 1;
        var forged = TcgEventLogParser.Parse(bytes);
        Assert.That(PcrReplay.Replay(forged).Bank(TpmAlgId.Sha256), Is.EqualTo(PcrReplay.Replay(original).Bank(TpmAlgId.Sha256)));
        Assert.That(SecureBootLog.From(forged).Enabled, Is.Null);
        Assert.That(SecureBootLog.From(forged).Unverified.Select(u => u.Number), Does.Contain(e.Number));
    }
}
