using YamlDotNet.RepresentationModel;

namespace WeightGuard.Core.Catalog;

/// <summary>The fleet policy file.</summary>
public static partial class CatalogLoader
{
    private static readonly string[] PolicyKeys = ["staleAfter", "requireEkCertificate", "requireAttestation", "assignments"];
    private static readonly string[] AssignmentKeys = ["hosts", "labels", "profiles"];

    /// <summary>Most assignments a policy may hold.</summary>
    public const int MaxAssignments = 1000;

    /// <summary>
    /// Reads a fleet policy (<c>staleAfter</c> as 30s, 15m, 2h or 3d; <c>assignments</c>, each with <c>hosts</c> and/or
    /// <c>labels</c> and the <c>profiles</c> they are judged against; <c>requireEkCertificate</c> and
    /// <c>requireAttestation</c>, true or false) against a loaded catalogue; every profile must exist.
    /// </summary>
    public static (FleetPolicy? Policy, IReadOnlyList<CatalogError> Errors) LoadPolicy(CatalogSource source, Catalog catalog)
    {
        var errors = new List<CatalogError>();
        var r = new YamlNodeReader(source.Name, errors);
        if (r.ParseRoot(source.Text) is not { } root) return (null, errors);
        var e = r.Entries(root, PolicyKeys);
        var staleAfter = FleetPolicy.Default.StaleAfter;
        if (r.Scalar(e, "staleAfter", root, required: false) is { } text)
        {
            try { staleAfter = Durations.Parse(text); }
            catch (FormatException x) { r.Error(e["staleAfter"], "staleAfter: " + x.Message); }
        }
        var requireEk = Flag(r, e, "requireEkCertificate", root);
        var requireAttestation = Flag(r, e, "requireAttestation", root);
        var assignments = new List<PolicyAssignment>();
        if (e.TryGetValue("assignments", out var node))
        {
            if (node is not YamlSequenceNode list) r.Error(node, "'assignments' must be a list");
            else if (list.Children.Count > MaxAssignments) r.Error(node, $"a policy holds at most {MaxAssignments} assignments");
            else
                foreach (var item in list.Children)
                {
                    if (item is not YamlMappingNode map) { r.Error(item, "each assignment must be a mapping"); continue; }
                    var ae = r.Entries(map, AssignmentKeys);
                    var hosts = Selector(r, ae, map);
                    var profiles = r.StringList(ae, "profiles", map);
                    foreach (var p in profiles ?? [])
                        if (!catalog.Profiles.ContainsKey(p)) r.Error(ae["profiles"], $"unknown profile '{p}' (known: {string.Join(", ", catalog.Profiles.Keys)})");
                    if (profiles is { Count: 0 }) r.Error(ae["profiles"], "'profiles' must name at least one profile");
                    if (hosts is not null && profiles is not null) assignments.Add(new PolicyAssignment(hosts, profiles));
                }
        }
        return errors.Count > 0 ? (null, errors)
            : (new FleetPolicy(staleAfter, assignments, source.Text) { RequireEkCertificate = requireEk, RequireAttestation = requireAttestation }, errors);
    }

    private static bool Flag(YamlNodeReader r, Dictionary<string, YamlNode> entries, string key, YamlNode owner)
    {
        switch (r.Scalar(entries, key, owner, required: false))
        {
            case null or "false": return false;
            case "true": return true;
            default: r.Error(entries[key], $"{key} must be true or false"); return false;
        }
    }
}
