using System.Globalization;
using WeightGuard.Core.Catalog;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace WeightGuard.Aggregator.Export;

/// <summary>
/// Writes people's decisions as the <c>waivers.yaml</c> and <c>attestations.yaml</c> that <see cref="CatalogLoader"/>
/// reads back (every scalar double-quoted, so no text is read as YAML), with the times that say when each was in force.
/// </summary>
public static class DecisionsYaml
{
    private static readonly ISerializer Serializer = new SerializerBuilder().WithDefaultScalarStyle(ScalarStyle.DoubleQuoted).Build();

    /// <summary><c>waivers.yaml</c>'s UTF-8 bytes.</summary>
    public static byte[] Waivers(IEnumerable<Waiver> waivers) => Write("waivers", waivers.Select(w => Entry(
        ("id", w.Identity), ("control", w.ControlId), ("hosts", w.HostPattern), ("justification", w.Justification), ("approver", w.Approver),
        ("expires", w.Expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("recorded", Time(w.RecordedAt)), ("withdrawn", Time(w.WithdrawnAt)))
        .WithLabels(w.Labels)));

    /// <summary><c>attestations.yaml</c>'s UTF-8 bytes.</summary>
    public static byte[] Attestations(IEnumerable<ManualAttestation> attestations) => Write("attestations", attestations.Select(a => Entry(
        ("id", a.Id), ("control", a.ControlId), ("hosts", a.Hosts.Hosts), ("statement", a.Statement), ("evidence", a.EvidenceRef), ("attestor", a.Attestor),
        ("recorded", Time(a.RecordedAt)), ("expires", Time(a.Expires)), ("withdrawn", Time(a.WithdrawnAt)))
        .WithLabels(a.Hosts.Labels)));

    private static Dictionary<string, object> Entry(params (string Key, string? Value)[] fields) =>
        fields.Where(f => f.Value is not null).ToDictionary(f => f.Key, f => (object)f.Value!, StringComparer.Ordinal);

    private static Dictionary<string, object> WithLabels(this Dictionary<string, object> entry, IReadOnlyDictionary<string, string> labels)
    {
        if (labels.Count > 0) entry["labels"] = labels.OrderBy(l => l.Key, StringComparer.Ordinal).ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);
        return entry;
    }

    private static string? Time(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);

    private static byte[] Write(string list, IEnumerable<Dictionary<string, object>> items) =>
        System.Text.Encoding.UTF8.GetBytes(Serializer.Serialize(new Dictionary<string, List<Dictionary<string, object>>> { [list] = items.ToList() }));
}
