using System.CommandLine;
using System.Text.Json;
using WeightGuard.Tpm;
using WeightGuard.Tpm.EventLog;

namespace WeightGuard.Cli.Commands;

/// <summary>
/// <c>weightguard inspect eventlog FILE [--cc]</c>: a TCG event log as JSON, with the register values it replays to and,
/// per event, whether its digest is the hash of its data (only such events are read for meaning).
/// </summary>
internal static class InspectEventLogCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE")
        {
            Description = "A TCG PC Client event log (e.g. /sys/kernel/security/tpm0/binary_bios_measurements)",
        };
        var cc = new Option<bool>("--cc")
        {
            Description = "The log is a confidential-computing event log (Intel TDX CCEL, e.g. /sys/firmware/acpi/tables/data/CCEL): " +
                "replay into MRTD/RTMR0-3 instead of PCRs",
        };
        var command = new Command("eventlog", "Parse a TCG event log and replay it into PCR (or TDX RTMR) values per bank") { file, cc };
        command.SetAction(parse => Run(parse.GetValue(file)!, parse.GetValue(cc)));
        return command;
    }

    private static int Run(string path, bool cc)
    {
        ArraySegment<byte> bytes;
        try
        {
            // Size first: a device or huge file must not be read whole.
            var info = new FileInfo(path);
            if (info.Exists && info.Length > TcgEventLogParser.MaxLogSize)
                return Fail($"{path}: offset 0: log of {info.Length} bytes exceeds the {TcgEventLogParser.MaxLogSize}-byte limit");
            bytes = ReadBounded(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail($"{path}: cannot read: {e.Message}");
        }

        TcgEventLog log;
        try { log = TcgEventLogParser.Parse(bytes); }
        catch (EventLogFormatException e) { return Fail($"{path}: {e.Message}"); }

        var checks = log.Events.Select(EventDigestRules.Check).ToList();
        var events = log.Events.Zip(checks, (e, check) => new EventJson(e.Number, e.Offset, e.PcrIndex, TcgEventType.Name(e.EventType),
            e.Digests.ToDictionary(d => TpmHash.Describe(d.Algorithm), d => Convert.ToHexStringLower(d.Digest)), e.Data.Length,
            Verdict(check.Verdict), check.Detail,
            check.Verdict == DigestVerdict.Mismatch ? null : TcgEventDescriber.Describe(e))).ToList();
        var mismatches = checks.Count(c => c.Verdict == DigestVerdict.Mismatch);
        var algorithms = log.Algorithms.Select(a => TpmHash.Describe(a.Algorithm)).ToList();
        var json = cc
            ? new EventLogJson(path, "cc", log.CryptoAgile, algorithms, log.Events.Count, log.PaddingOffset, null, events, null,
                MeasurementRegisters(PcrReplay.ReplayMeasurementRegisters(log)), mismatches, null)
            : new EventLogJson(path, "tpm", log.CryptoAgile, algorithms, log.Events.Count, log.PaddingOffset, PcrReplay.StartupLocality(log),
                events, TpmJsonContext.Pcrs(PcrReplay.Replay(log)), null, mismatches, SecureBoot(SecureBootLog.From(log)));
        // Streamed: a log at the event limit prints tens of megabytes, which need not exist as one string.
        using (var stdout = Console.OpenStandardOutput())
        {
            JsonSerializer.Serialize(stdout, json, TpmJsonContext.Default.EventLogJson);
            stdout.Write("\n"u8);
        }
        return 0;
    }

    private static string Verdict(DigestVerdict verdict) => verdict switch
    {
        DigestVerdict.Matches => "matches",
        DigestVerdict.Mismatch => "mismatch",
        DigestVerdict.NotCheckable => "not-checkable",
        _ => "not-extended",
    };

    private static SecureBootJson SecureBoot(SecureBootLog sb) => new(sb.Enabled,
        sb.Variables.Select(v => new SecureBootVariableJson(v.Name, v.VendorGuid.ToString(), v.Length, v.SignatureCount, v.Sha256)).ToList(),
        sb.AuthorityEvents, sb.Unverified.Select(u => u.ToString()).ToList());

    private static Dictionary<string, Dictionary<string, string>> MeasurementRegisters(PcrBanks banks) =>
        banks.Algorithms.ToDictionary(TpmHash.Describe,
            alg => banks.Bank(alg).ToDictionary(kv => CcMeasurementRegister.Name((uint)kv.Key), kv => Convert.ToHexStringLower(kv.Value)));

    /// <summary>
    /// Reads at most one byte more than the limit into one buffer (sysfs files report a size of 0, so the length cannot be
    /// trusted; a growing stream would hold the log up to three times over).
    /// </summary>
    private static ArraySegment<byte> ReadBounded(string path)
    {
        // Regular files only: a FIFO or device named as a log is refused, never waited on.
        using var stream = Core.Inputs.BoundedFile.OpenStream(path);
        var buffer = new byte[TcgEventLogParser.MaxLogSize + 1];
        return new ArraySegment<byte>(buffer, 0, stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false));
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
