using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace WeightGuard.Core.Catalog;

/// <summary>Waiver and manual-attestation files: what people decided about controls on some hosts.</summary>
public static partial class CatalogLoader
{
    private static readonly string[] AttestationKeys =
        ["control", "hosts", "labels", "statement", "evidence", "attestor", "recorded", "expires", "withdrawn", "id"];

    /// <summary>Longest statement or justification a person may write.</summary>
    public const int MaxStatementLength = 2000;

    /// <summary>
    /// Reads a manual-attestation file (<c>attestations:</c> list) against a loaded catalogue: each names a manual control,
    /// the hosts it covers (<c>hosts</c> glob and/or <c>labels</c>), a statement, the attestor, when it was recorded and
    /// when it expires (a timestamp, or a day: in force through that day, UTC).
    /// </summary>
    public static (IReadOnlyList<ManualAttestation> Attestations, IReadOnlyList<CatalogError> Errors) LoadAttestations(CatalogSource source, Catalog catalog)
    {
        var errors = new List<CatalogError>();
        var result = new List<ManualAttestation>();
        foreach (var (r, map, e) in ListItems(source, "attestations", AttestationKeys, errors))
        {
            var before = errors.Count;
            var control = r.Scalar(e, "control", map);
            var hosts = Selector(r, e, map);
            var statement = r.Scalar(e, "statement", map);
            var evidenceRef = r.Scalar(e, "evidence", map, required: false);
            var attestor = r.Scalar(e, "attestor", map);
            var recorded = Instant(r, e, "recorded", map, endOfDay: false);
            var expires = Instant(r, e, "expires", map, endOfDay: true);
            var withdrawn = e.ContainsKey("withdrawn") ? Instant(r, e, "withdrawn", map, endOfDay: false) : null;
            if (control is not null && catalog.Controls.TryGetValue(control, out var c) && c.Check.Kind != "manual")
                r.Error(e["control"], $"only manual controls are attested; '{control}' is checked on the host (kind '{c.Check.Kind}')");
            else if (control is not null && !catalog.Controls.ContainsKey(control)) r.Error(e["control"], $"attestation names unknown control '{control}'");
            if (statement is { Length: > MaxStatementLength }) r.Error(e["statement"], $"statement exceeds {MaxStatementLength} characters");
            if (errors.Count > before) continue;
            result.Add(new ManualAttestation
            {
                ControlId = control!, Hosts = hosts!, Statement = statement!, EvidenceRef = evidenceRef, Attestor = attestor!,
                RecordedAt = recorded!.Value, Expires = expires!.Value, WithdrawnAt = withdrawn,
                Id = r.Scalar(e, "id", map, required: false) ?? r.At(map).ToString(),
            });
        }
        return (result, errors);
    }

    /// <summary>Reads a waiver file on its own against an already loaded catalogue.</summary>
    public static (IReadOnlyList<Waiver> Waivers, IReadOnlyList<CatalogError> Errors) LoadWaivers(CatalogSource source, Catalog catalog)
    {
        var errors = new List<CatalogError>();
        var waivers = ReadWaivers(source, catalog.Controls, errors);
        return (waivers, errors);
    }

    private static List<Waiver> ReadWaivers(CatalogSource source, IReadOnlyDictionary<string, ControlDefinition> controls, List<CatalogError> errors)
    {
        var result = new List<Waiver>();
        foreach (var (r, map, e) in ListItems(source, "waivers", WaiverKeys, errors))
        {
            var before = errors.Count;
            var control = r.Scalar(e, "control", map);
            var hosts = Selector(r, e, map);
            var justification = r.Scalar(e, "justification", map);
            var approver = r.Scalar(e, "approver", map);
            var expiresText = r.Scalar(e, "expires", map);
            var recorded = e.ContainsKey("recorded") ? Instant(r, e, "recorded", map, endOfDay: false) : null;
            var withdrawn = e.ContainsKey("withdrawn") ? Instant(r, e, "withdrawn", map, endOfDay: false) : null;
            if (control is not null && !controls.ContainsKey(control)) r.Error(e["control"], $"waiver names unknown control '{control}'");
            DateOnly expires = default;
            if (expiresText is not null && !DateOnly.TryParseExact(expiresText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out expires))
                r.Error(e["expires"], $"expires '{expiresText}' must be a date as YYYY-MM-DD");
            if (errors.Count > before) continue;
            result.Add(new Waiver
            {
                ControlId = control!, HostPattern = hosts!.Hosts ?? "*", Labels = hosts.Labels, Justification = justification!, Approver = approver!,
                Expires = expires, Source = r.At(map), RecordedAt = recorded, WithdrawnAt = withdrawn, Id = r.Scalar(e, "id", map, required: false),
            });
        }
        return result;
    }

    /// <summary>The mappings of a file's one top-level list, each with its entries checked against <paramref name="keys"/>.</summary>
    private static IEnumerable<(YamlNodeReader Reader, YamlMappingNode Map, Dictionary<string, YamlNode> Entries)> ListItems(
        CatalogSource source, string listKey, string[] keys, List<CatalogError> errors)
    {
        var r = new YamlNodeReader(source.Name, errors);
        if (r.ParseRoot(source.Text) is not { } root) yield break;
        var e = r.Entries(root, listKey);
        if (!e.TryGetValue(listKey, out var listNode) || listNode is not YamlSequenceNode list)
        {
            r.Error(root, $"expected a '{listKey}' list");
            yield break;
        }
        foreach (var item in list.Children)
        {
            if (item is not YamlMappingNode map) r.Error(item, $"each item of '{listKey}' must be a mapping");
            else yield return (r, map, r.Entries(map, keys));
        }
    }

    /// <summary>The hosts an entry covers: <c>hosts</c> (a glob) and/or <c>labels</c> (a mapping); at least one.</summary>
    internal static HostSelector? Selector(YamlNodeReader r, Dictionary<string, YamlNode> e, YamlNode owner)
    {
        var hosts = r.Scalar(e, "hosts", owner, required: false);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (r.Map(e, "labels", owner, required: false) is { } map)
            foreach (var (k, v) in map.Children)
            {
                if (k is YamlScalarNode { Value: { Length: > 0 } key } && v is YamlScalarNode { Value: { } value }) labels[key] = value;
                else r.Error(k, "labels must map label names to values");
            }
        if (hosts is null && labels.Count == 0)
        {
            r.Error(owner, "name the hosts covered with 'hosts' (a name glob) and/or 'labels'");
            return null;
        }
        return new HostSelector(hosts, labels);
    }

    /// <summary>A timestamp (ISO 8601, UTC unless it says otherwise) or a day (its start, or with <paramref name="endOfDay"/> the next day's start).</summary>
    internal static DateTimeOffset? Instant(YamlNodeReader r, Dictionary<string, YamlNode> e, string key, YamlNode owner, bool endOfDay)
    {
        if (r.Scalar(e, key, owner) is not { } text) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(endOfDay ? 1 : 0);
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            return at;
        r.Error(e[key], $"{key} '{text}' must be a date (YYYY-MM-DD) or a timestamp (ISO 8601)");
        return null;
    }
}
