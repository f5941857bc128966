using System.Buffers.Binary;
using System.Text;

namespace WeightGuard.Tpm.EventLog;

/// <summary>
/// Parses TCG PC Client firmware event logs (little-endian): the SHA-1 format (TCG_PCR_EVENT throughout) and the
/// crypto-agile format (a Spec ID Event03 header, then TCG_PCR_EVENT2), which is also the format of confidential-computing
/// event logs (Intel TDX CCEL). Every size is checked against the bytes left before anything is allocated; errors name
/// the byte offset.
/// </summary>
public static class TcgEventLogParser
{
    /// <summary>Largest log accepted (real logs are tens of kilobytes).</summary>
    public const int MaxLogSize = 16 * 1024 * 1024;

    /// <summary>
    /// Most events accepted. Firmware logs hold hundreds; without a limit a 16 MiB log of 16-byte empty events would
    /// become a million objects.
    /// </summary>
    public const int MaxEvents = 65_536;

    /// <summary>Most digests one event or the Spec ID header may list.</summary>
    private const int MaxAlgorithms = 16;

    private const int Sha1Size = 20;

    private static readonly byte[] SpecIdSignature = "Spec ID Event03\0"u8.ToArray();

    /// <summary>Parses a whole log.</summary>
    /// <exception cref="EventLogFormatException">The log is malformed; the message is <c>offset N: problem</c>.</exception>
    public static TcgEventLog Parse(ReadOnlySpan<byte> log)
    {
        if (log.Length > MaxLogSize) throw new EventLogFormatException(0, $"log of {log.Length} bytes exceeds the {MaxLogSize}-byte limit");
        if (log.Length == 0) throw new EventLogFormatException(0, "log is empty");
        var events = new List<TcgEvent>();
        var first = ReadLegacyEvent(log, 0, 0);
        events.Add(first.Event);
        var offset = first.Next;
        if (first.Event.EventType == TcgEventType.NoAction && first.Event.Data.AsSpan().StartsWith(SpecIdSignature))
        {
            var algorithms = ReadSpecId(first.Event.Data, first.DataOffset);
            while (offset < log.Length)
            {
                // A log copied from a fixed-size firmware area (the CCEL ACPI table's region) is padded with 0xFF after
                // its last event; go-eventlog stops there too. Only an all-0xFF remainder ends the log: anything else
                // after it is still parsed, so an event cannot hide behind a few 0xFF bytes.
                if (!log[offset..].ContainsAnyExcept((byte)0xFF))
                    return new TcgEventLog(true, algorithms, events) { PaddingOffset = offset };
                CheckCount(events, offset);
                var (e, next) = ReadEvent2(log, offset, events.Count, algorithms);
                events.Add(e);
                offset = next;
            }
            return new TcgEventLog(true, algorithms, events);
        }
        while (offset < log.Length)
        {
            CheckCount(events, offset);
            var e = ReadLegacyEvent(log, offset, events.Count);
            events.Add(e.Event);
            offset = e.Next;
        }
        return new TcgEventLog(false, [(TpmAlgId.Sha1, Sha1Size)], events);
    }

    private static void CheckCount(List<TcgEvent> events, int offset)
    {
        if (events.Count == MaxEvents) throw new EventLogFormatException(offset, $"more than {MaxEvents} events");
    }

    /// <summary>TCG_PCR_EVENT: u32 pcrIndex, u32 eventType, 20-byte SHA-1 digest, u32 eventSize, event.</summary>
    private static (TcgEvent Event, int Next, int DataOffset) ReadLegacyEvent(ReadOnlySpan<byte> log, int offset, int number)
    {
        var at = offset;
        var pcr = U32(log, ref at, "pcrIndex", offset);
        var type = U32(log, ref at, "eventType", offset);
        var digest = Take(log, ref at, Sha1Size, "SHA-1 digest", offset);
        var size = U32(log, ref at, "eventSize", offset);
        var dataOffset = at;
        var data = Take(log, ref at, size, "event data", offset);
        return (new TcgEvent(number, offset, pcr, type, [new TpmtHa(TpmAlgId.Sha1, digest)], data), at, dataOffset);
    }

    /// <summary>TCG_PCR_EVENT2: u32 pcrIndex, u32 eventType, TPML_DIGEST_VALUES (u32 count, {u16 alg, digest}), u32 eventSize, event.</summary>
    private static (TcgEvent, int) ReadEvent2(ReadOnlySpan<byte> log, int offset, int number, IReadOnlyList<(TpmAlgId Algorithm, int DigestSize)> algorithms)
    {
        var at = offset;
        var pcr = U32(log, ref at, "pcrIndex", offset);
        var type = U32(log, ref at, "eventType", offset);
        var countAt = at;
        var count = U32(log, ref at, "digest count", offset);
        if (count > MaxAlgorithms)
            throw new EventLogFormatException(countAt, $"event {number}: digest count {count} exceeds the maximum {MaxAlgorithms}");
        var digests = new List<TpmtHa>((int)count);
        for (var i = 0; i < count; i++)
        {
            var algAt = at;
            var alg = (TpmAlgId)U16(log, ref at, "digest algorithm", offset);
            var size = algorithms.FirstOrDefault(a => a.Algorithm == alg).DigestSize;
            if (size == 0)
                throw new EventLogFormatException(algAt, $"event {number}: unknown digest algorithm {TpmHash.Describe(alg)} (not in the Spec ID event)");
            if (digests.Any(d => d.Algorithm == alg))
                throw new EventLogFormatException(algAt, $"event {number}: digest algorithm {TpmHash.Describe(alg)} is listed twice");
            digests.Add(new TpmtHa(alg, Take(log, ref at, (uint)size, $"{TpmHash.Describe(alg)} digest", offset)));
        }
        var eventSize = U32(log, ref at, "eventSize", offset);
        var data = Take(log, ref at, eventSize, "event data", offset);
        return (new TcgEvent(number, offset, pcr, type, digests, data), at);
    }

    /// <summary>TCG_EfiSpecIDEvent: signature, platformClass, version, uintnSize, algorithm table, vendor info.</summary>
    private static List<(TpmAlgId, int)> ReadSpecId(byte[] data, int dataOffset)
    {
        var span = data.AsSpan();
        var at = SpecIdSignature.Length + 4 + 4; // signature, platformClass, minor/major/errata/uintnSize
        var countAt = at;
        var count = U32(span, ref at, "numberOfAlgorithms", dataOffset, dataOffset);
        if (count is 0 or > MaxAlgorithms)
            throw new EventLogFormatException(dataOffset + countAt, $"Spec ID event: numberOfAlgorithms {count} is outside 1…{MaxAlgorithms}");
        var algorithms = new List<(TpmAlgId, int)>();
        for (var i = 0; i < count; i++)
        {
            var alg = (TpmAlgId)U16(span, ref at, "algorithmId", dataOffset, dataOffset);
            var sizeAt = at;
            var size = U16(span, ref at, "digestSize", dataOffset, dataOffset);
            var known = TpmHash.DigestSize(alg);
            if (size is 0 or > 64 || (known != 0 && known != size))
                throw new EventLogFormatException(dataOffset + sizeAt, $"Spec ID event: digest size {size} is wrong for {TpmHash.Describe(alg)}");
            if (algorithms.Any(a => a.Item1 == alg))
                throw new EventLogFormatException(dataOffset + sizeAt - 2, $"Spec ID event: algorithm {TpmHash.Describe(alg)} is listed twice");
            algorithms.Add((alg, size));
        }
        return algorithms;
    }

    private static uint U32(ReadOnlySpan<byte> s, ref int at, string field, int eventOffset, int baseOffset = 0) =>
        BinaryPrimitives.ReadUInt32LittleEndian(Take(s, ref at, 4, field, eventOffset, baseOffset));

    private static ushort U16(ReadOnlySpan<byte> s, ref int at, string field, int eventOffset, int baseOffset = 0) =>
        BinaryPrimitives.ReadUInt16LittleEndian(Take(s, ref at, 2, field, eventOffset, baseOffset));

    private static byte[] Take(ReadOnlySpan<byte> s, ref int at, uint count, string field, int eventOffset, int baseOffset = 0)
    {
        var left = s.Length - at;
        if (count > left)
            throw new EventLogFormatException(baseOffset + at,
                $"{field} needs {count} bytes but only {left} remain: the log ends inside the event at offset {eventOffset}");
        var bytes = s.Slice(at, (int)count).ToArray();
        at += (int)count;
        return bytes;
    }

    /// <summary>Renders bytes as printable ASCII, for event descriptions.</summary>
    internal static string Printable(ReadOnlySpan<byte> bytes, int max = 120)
    {
        var text = Encoding.ASCII.GetString(bytes).TrimEnd('\0');
        var clean = new string(text.Select(c => c is >= ' ' and <= '~' ? c : '.').ToArray());
        return clean.Length > max ? clean[..max] + "…" : clean;
    }
}
