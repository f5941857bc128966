using WeightGuard.Tpm.EventLog;

namespace WeightGuard.Fuzz.EventLog;

/// <summary>
/// What the fuzzers exercise: everything WeightGuard does with an untrusted event log (parse, replay as TPM and as CC log,
/// check every digest, describe every event, read Secure Boot). A malformed log may only end in
/// <see cref="EventLogFormatException"/>; any other exception is a bug.
/// </summary>
public static class EventLogTarget
{
    /// <summary>Runs one input; returns false when the parser refused it.</summary>
    public static bool Run(ReadOnlySpan<byte> input)
    {
        TcgEventLog log;
        try { log = TcgEventLogParser.Parse(input); }
        catch (EventLogFormatException) { return false; }
        PcrReplay.Replay(log);
        PcrReplay.ReplayMeasurementRegisters(log);
        foreach (var e in log.Events)
        {
            if (EventDigestRules.Check(e).Verdict != DigestVerdict.Mismatch) TcgEventDescriber.Describe(e);
            CcMeasurementRegister.Name(e.PcrIndex);
        }
        SecureBootLog.From(log);
        EventDigestRules.Mismatches(log);
        return true;
    }
}
