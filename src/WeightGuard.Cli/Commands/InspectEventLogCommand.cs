using System.CommandLine;
using System.Text.Json;
using WeightGuard.Tpm;
using WeightGuard.Tpm.EventLog;

namespace WeightGuard.Cli.Commands;

/// <summary><c>weightguard inspect eventlog FILE</c>: a TCG event log as JSON, with the PCR values it replays to.</summary>
internal static class InspectEventLogCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE")
        {
            Description = "A TCG PC Client event log (e.g. /sys/kernel/security/tpm0/binary_bios_measurements)",
        };
        var command = new Command("eventlog", "Parse a TCG event log and replay it into PCR values per bank") { file };
        command.SetAction(parse => Run(parse.GetValue(file)!));
        return command;
    }

    private static int Run(string path)
    {
        byte[] bytes;
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

        var secureBoot = SecureBootLog.From(log);
        var json = new EventLogJson(path, log.CryptoAgile, log.Algorithms.Select(a => TpmHash.Describe(a.Algorithm)).ToList(),
            log.Events.Count,
            log.Events.Select(e => new EventJson(e.Number, e.Offset, e.PcrIndex, TcgEventType.Name(e.EventType),
                e.Digests.ToDictionary(d => TpmHash.Describe(d.Algorithm), d => Convert.ToHexStringLower(d.Digest)), e.Data.Length,
                TcgEventDescriber.Describe(e))).ToList(),
            TpmJsonContext.Pcrs(PcrReplay.Replay(log)),
            new SecureBootJson(secureBoot.Enabled,
                secureBoot.Variables.Select(v => new SecureBootVariableJson(v.Name, v.VendorGuid.ToString(), v.Length, v.SignatureCount, v.Sha256)).ToList(),
                secureBoot.AuthorityEvents));
        Console.Out.WriteLine(JsonSerializer.Serialize(json, TpmJsonContext.Default.EventLogJson));
        return 0;
    }

    /// <summary>Reads at most one byte more than the limit (sysfs files report a size of 0, so the length cannot be trusted).</summary>
    private static byte[] ReadBounded(string path)
    {
        using var stream = File.OpenRead(path);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = stream.Read(chunk)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > TcgEventLogParser.MaxLogSize) break;
        }
        return buffer.ToArray();
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
