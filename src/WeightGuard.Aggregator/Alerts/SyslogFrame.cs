using System.Globalization;
using System.Text;

namespace WeightGuard.Aggregator.Alerts;

/// <summary>
/// An alert as one RFC 5424 syslog message:
/// <c>&lt;PRI&gt;1 TIMESTAMP HOSTNAME weightguard PROCID MSGID [weightguard@32473 …][origin …] BOM MSG</c>.
/// PRI is facility × 8 + the alert's syslog severity; MSGID is the event type; the structured data element carries the
/// event's fields for SIEM parsers and MSG says the same in words. A message longer than the sink's limit loses the end
/// of MSG, never the header or the structured data, which are bounded by construction.
/// </summary>
public static class SyslogFrame
{
    /// <summary>
    /// The structured data id. 32473 is the private enterprise number reserved for documentation (RFC 5612); it stands
    /// until WeightGuard has one of its own, and receivers should match the element by name.
    /// </summary>
    public const string StructuredDataId = "weightguard@32473";
    /// <summary>The APP-NAME.</summary>
    public const string AppName = "weightguard";
    /// <summary>The longest value of one structured-data parameter, in characters, before escaping.</summary>
    public const int MaxParamValue = 255;

    /// <summary>Facility names and codes (RFC 5424 table 1).</summary>
    public static IReadOnlyDictionary<string, int> Facilities { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["kern"] = 0, ["user"] = 1, ["mail"] = 2, ["daemon"] = 3, ["auth"] = 4, ["syslog"] = 5, ["lpr"] = 6, ["news"] = 7, ["uucp"] = 8, ["cron"] = 9,
        ["authpriv"] = 10, ["ftp"] = 11, ["ntp"] = 12, ["security"] = 13, ["console"] = 14, ["solaris-cron"] = 15,
        ["local0"] = 16, ["local1"] = 17, ["local2"] = 18, ["local3"] = 19, ["local4"] = 20, ["local5"] = 21, ["local6"] = 22, ["local7"] = 23,
    };

    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>The syslog severity code of an alert severity (RFC 5424 table 2).</summary>
    public static int SeverityCode(AlertSeverity severity) => severity switch
    {
        AlertSeverity.Critical => 2,
        AlertSeverity.Error => 3,
        AlertSeverity.Warning => 4,
        _ => 6,
    };

    /// <summary>The message for <paramref name="alert"/>, at most <paramref name="maxLength"/> octets.</summary>
    /// <param name="alert">The event.</param>
    /// <param name="facility">The facility code (0–23).</param>
    /// <param name="maxLength">The longest message, at least 1024 octets (the header and structured data always fit in that).</param>
    /// <param name="processId">The PROCID field.</param>
    public static byte[] Format(AlertEvent alert, int facility, int maxLength, int processId)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1024);
        var header = string.Create(CultureInfo.InvariantCulture,
            $"<{facility * 8 + SeverityCode(alert.Severity)}>1 {alert.Time.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'} {HeaderField(alert.Aggregator.Instance, 64)} {AppName} {processId} {HeaderField(alert.Type, 32)} ");
        // Real values fit whole (a host name is at most 253 characters, agent ids are UUIDs); values that do not (a catalogue
        // with dozens of profiles, hostile text) are cut shorter until the header and structured data leave room for MSG.
        byte[] head;
        for (var cap = MaxParamValue; ; cap /= 2)
        {
            head = Encoding.UTF8.GetBytes(header + StructuredData(alert, cap) + " ");
            if (head.Length + Bom.Length + 3 <= maxLength || cap < 8) break;
        }
        var text = Encoding.UTF8.GetBytes(Text(alert));
        var room = maxLength - head.Length - Bom.Length;
        if (text.Length > room) text = [.. Utf8Prefix(text, room - 3), .. "..."u8];
        return [.. head, .. Bom, .. text];
    }

    /// <summary>The event's element and the origin element; the host, agent id and profiles cut to <paramref name="cap"/> characters (the rest are short by construction).</summary>
    private static string StructuredData(AlertEvent alert, int cap)
    {
        var data = new StringBuilder();
        data.Append('[').Append(StructuredDataId);
        Param(data, "eventId", alert.Id.ToString(), MaxParamValue);
        Param(data, "type", alert.Type, MaxParamValue);
        Param(data, "severity", alert.Severity.Name(), MaxParamValue);
        Param(data, "host", alert.Host.Name, cap);
        Param(data, "agentId", alert.Host.AgentId, cap);
        Param(data, "from", alert.State.From, MaxParamValue);
        Param(data, "to", alert.State.To, MaxParamValue);
        Param(data, "profiles", string.Join(',', alert.Profiles.Select(p => $"{p.Id}:{p.From ?? "-"}>{p.To ?? "-"}")), cap);
        data.Append("][origin");
        Param(data, "software", "weightguard-aggregator", MaxParamValue);
        Param(data, "swVersion", alert.Aggregator.Version, MaxParamValue);
        return data.Append(']').ToString();
    }

    /// <summary>A message framed for a stream by octet counting (RFC 6587 §3.4.1): <c>LENGTH SP MESSAGE</c>.</summary>
    public static byte[] OctetCounted(byte[] message) => [.. Encoding.ASCII.GetBytes(message.Length.ToString(CultureInfo.InvariantCulture) + " "), .. message];

    /// <summary>The MSG part: the change in words, then the reasons.</summary>
    public static string Text(AlertEvent alert)
    {
        var text = $"host {alert.Host.Name}: {alert.Type} {alert.State.From} -> {alert.State.To}" + (alert.Reasons.Count > 0 ? ": " + string.Join("; ", alert.Reasons) : "");
        // One line: a receiver that splits on newlines must not read the rest of a reason as a message of its own.
        return string.Create(text.Length, text, (span, t) => { for (var i = 0; i < t.Length; i++) span[i] = char.IsControl(t[i]) ? ' ' : t[i]; });
    }

    /// <summary>A header field: printable US-ASCII without spaces, at most <paramref name="max"/> characters, "-" when empty.</summary>
    private static string HeaderField(string value, int max)
    {
        var printable = new string(value.Where(c => c is > ' ' and < (char)127).Take(max).ToArray());
        return printable.Length == 0 ? "-" : printable;
    }

    /// <summary>Appends <c> NAME="VALUE"</c>, the value cut to <paramref name="cap"/> characters and '"', '\' and ']' escaped (RFC 5424 §6.3.3).</summary>
    private static void Param(StringBuilder data, string name, string value, int cap)
    {
        data.Append(' ').Append(name).Append("=\"");
        foreach (var c in value.Take(cap))
        {
            if (c is '"' or '\\' or ']') data.Append('\\');
            data.Append(char.IsControl(c) ? '?' : c);
        }
        data.Append('"');
    }

    /// <summary>The longest prefix of <paramref name="utf8"/> within <paramref name="length"/> bytes that ends on a character boundary.</summary>
    private static byte[] Utf8Prefix(byte[] utf8, int length)
    {
        length = Math.Max(0, length);
        while (length > 0 && (utf8[length] & 0xC0) == 0x80) length--;
        return utf8[..length];
    }
}
