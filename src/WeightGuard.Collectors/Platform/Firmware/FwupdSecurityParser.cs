using System.Text.Json;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Platform.Firmware;

/// <summary>
/// Reads <c>fwupdmgr security --json</c>: <c>HostSecurityAttributes</c> (older fwupd: <c>SecurityAttributes</c>), each
/// with <c>AppstreamId</c>, <c>HsiLevel</c> (absent for runtime attributes), <c>HsiResult</c> and <c>Flags</c>
/// (<c>success</c>, <c>obsoleted</c>…), and <c>Devices</c>: the devices whose installed firmware has <c>Issues</c>
/// (CVE ids). Bounded in depth, attributes, devices and issues; anything else in the document is ignored.
/// </summary>
public static class FwupdSecurityParser
{
    /// <summary>Most attributes read (fwupd reports a few dozen).</summary>
    public const int MaxAttributes = 4096;
    /// <summary>Most devices read.</summary>
    public const int MaxDevices = 4096;
    /// <summary>Most issues kept per device.</summary>
    public const int MaxIssues = 256;
    /// <summary>The highest HSI level fwupd defines.</summary>
    public const int MaxHsiLevel = 5;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32 };

    /// <summary>Parses a report into firmware evidence (without <see cref="FirmwareEvidence.FwupdPresent"/> and source).</summary>
    /// <exception cref="InvalidDataException">Not JSON, not an object, or over a bound.</exception>
    public static FirmwareEvidence Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"fwupdmgr security --json: not JSON ({e.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException("fwupdmgr security --json: expected a JSON object");
            var attributes = Array(root, "HostSecurityAttributes") ?? Array(root, "SecurityAttributes") ?? [];
            if (attributes.Count > MaxAttributes) throw new InvalidDataException($"fwupdmgr security --json: more than {MaxAttributes} attributes");
            var devices = Array(root, "Devices") ?? [];
            if (devices.Count > MaxDevices) throw new InvalidDataException($"fwupdmgr security --json: more than {MaxDevices} devices");

            var parsed = attributes.Where(a => a.ValueKind == JsonValueKind.Object).Select(a => (
                Id: Text(a, "AppstreamId") ?? "unknown",
                Level: a.TryGetProperty("HsiLevel", out var l) && l.TryGetInt32(out var n) && n is >= 0 and <= MaxHsiLevel ? n : 0,
                Result: Text(a, "HsiResult"),
                Flags: (Array(a, "Flags") ?? []).Where(f => f.ValueKind == JsonValueKind.String).Select(f => f.GetString()!).ToHashSet(StringComparer.Ordinal)))
                .ToList();
            var counted = parsed.Where(a => !a.Flags.Contains("obsoleted")).ToList();
            var failed = counted.Where(a => !a.Flags.Contains("success")).OrderBy(a => a.Level == 0 ? int.MaxValue : a.Level).ThenBy(a => a.Id, StringComparer.Ordinal).ToList();
            // fwupd's HSI: the highest level at which every attribute of that level and of each level below succeeds
            var lowestFailing = failed.Where(a => a.Level > 0).Select(a => a.Level).DefaultIfEmpty(MaxHsiLevel + 1).Min();
            var advisories = devices.Where(d => d.ValueKind == JsonValueKind.Object)
                .Select(d => new FirmwareAdvisory(Text(d, "Name") ?? "unknown device", Text(d, "Version"),
                    (Array(d, "Issues") ?? []).Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!).Take(MaxIssues).ToList()))
                .Where(a => a.Issues.Count > 0).ToList();
            return new FirmwareEvidence
            {
                HsiLevel = parsed.Count == 0 ? null : lowestFailing - 1,
                FailedAttributes = failed.Select(a => new HsiAttribute(a.Id, a.Level, a.Result)).ToList(),
                AttributeCount = parsed.Count,
                Advisories = advisories,
            };
        }
    }

    private static List<JsonElement>? Array(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToList() : null;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
