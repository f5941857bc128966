using System.Globalization;
using System.Text.RegularExpressions;

namespace WeightGuard.Collectors.Tests.Disk;

/// <summary>
/// The text of <c>cryptsetup luksDump</c>, parsed independently of the code under test so the two can be compared.
/// Top-level "Name: value" lines go to <see cref="Fields"/>; numbered entries under "Keyslots:", "Tokens:",
/// "Data segments:", "Digests:" (LUKS2) and "Key Slot N: ENABLED" (LUKS1) go to <see cref="Sections"/>.
/// </summary>
public sealed partial class LuksDump
{
    public Dictionary<string, string> Fields { get; } = new();
    public Dictionary<string, List<Entry>> Sections { get; } = new();

    public sealed record Entry(int Id, string Type, Dictionary<string, string> Attributes);

    public static LuksDump Parse(string text)
    {
        var dump = new LuksDump();
        List<Entry>? section = null;
        Entry? entry = null;
        string? pendingKey = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r', ' ');
            if (line.Length == 0) continue;
            if (Luks1Slot().Match(line) is { Success: true } slot)
            {
                section = dump.Section("Key Slots");
                entry = new Entry(int.Parse(slot.Groups[1].Value, CultureInfo.InvariantCulture), slot.Groups[2].Value, new());
                section.Add(entry);
                continue;
            }
            if (!char.IsWhiteSpace(line[0]))
            {
                var colon = line.IndexOf(':');
                if (colon < 0) continue; // "LUKS header information for …"
                var key = line[..colon].Trim();
                var value = line[(colon + 1)..].Trim();
                if (value.Length == 0) { section = dump.Section(key); entry = null; }
                else { dump.Fields[key] = value; section = null; entry = null; }
                continue;
            }
            if (section is not null && EntryLine().Match(line) is { Success: true } item)
            {
                entry = new Entry(int.Parse(item.Groups[1].Value, CultureInfo.InvariantCulture), item.Groups[2].Value.Trim(), new());
                section.Add(entry);
                pendingKey = null;
                continue;
            }
            if (entry is null) continue;
            var trimmed = line.Trim();
            var c = trimmed.IndexOf(':');
            if (line.StartsWith('\t') && !line.StartsWith("\t ") && c > 0)
            {
                var key = trimmed[..c].Trim();
                var value = trimmed[(c + 1)..].Trim();
                entry.Attributes[key] = value;
                pendingKey = value.Length == 0 ? key : null;
            }
            else if (pendingKey is not null)
            {
                // Long names put their value on the next line ("fido2-up-required:\n\t            true").
                entry.Attributes[pendingKey] = trimmed;
                pendingKey = null;
            }
        }
        return dump;
    }

    private List<Entry> Section(string name)
    {
        if (!Sections.TryGetValue(name, out var list)) Sections[name] = list = new List<Entry>();
        return list;
    }

    public IReadOnlyList<Entry> this[string section] => Sections.TryGetValue(section, out var l) ? l : [];

    /// <summary>"512 bits" → 512, "16777216 [bytes]" → 16777216.</summary>
    public static long Number(string value) => long.Parse(value.Split(' ')[0], CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^Key Slot (\d+): (ENABLED|DISABLED)$")]
    private static partial Regex Luks1Slot();

    [GeneratedRegex(@"^  (\d+): (.+)$")]
    private static partial Regex EntryLine();
}
