using YamlDotNet.RepresentationModel;

namespace WeightGuard.Core.Catalog;

/// <summary>The frameworks' measure lists and the citation corrections, read from <c>frameworks/</c>.</summary>
/// <param name="Frameworks">Frameworks by id.</param>
/// <param name="Corrections">The corrections, in file order.</param>
public sealed record FrameworkSet(IReadOnlyDictionary<string, FrameworkDefinition> Frameworks, IReadOnlyList<CitationCorrection> Corrections);

/// <summary>
/// Reads <c>frameworks/*.yaml</c> (one framework's measures each, and <c>corrections.yaml</c>) and checks every control
/// reference against them: a reference must name a measure of its framework, at that measure's place.
/// </summary>
public static class FrameworkLoader
{
    /// <summary>The file that holds the corrections rather than a framework.</summary>
    public const string CorrectionsFile = "corrections.yaml";

    private static readonly string[] FrameworkKeys = ["framework", "title", "source", "reading", "measures"];
    private static readonly string[] MeasureKeys = ["id", "level", "place", "scope", "wording", "measure"];
    private static readonly string[] CorrectionKeys = ["controls", "cited", "problem", "now", "source-words"];

    /// <summary>Loads the framework files; errors as <c>file:line: message</c>.</summary>
    public static (FrameworkSet? Set, IReadOnlyList<CatalogError> Errors) Load(IEnumerable<CatalogSource> sources)
    {
        var errors = new List<CatalogError>();
        var frameworks = new SortedDictionary<string, FrameworkDefinition>(StringComparer.Ordinal);
        var corrections = new List<CitationCorrection>();
        foreach (var source in sources)
        {
            var r = new YamlNodeReader(source.Name, errors);
            if (r.ParseRoot(source.Text) is not { } root) continue;
            if (Path.GetFileName(source.Name) == CorrectionsFile) corrections.AddRange(ReadCorrections(r, root));
            else if (ReadFramework(r, root) is { } f && !frameworks.TryAdd(f.Id, f))
                r.Error(root, $"framework '{f.Id}' is defined twice (first at {frameworks[f.Id].Location})");
        }
        return errors.Count > 0 ? (null, errors) : (new FrameworkSet(frameworks, corrections), []);
    }

    /// <summary>
    /// Problems with the catalogue's references to these frameworks: an unknown measure, a place other than the
    /// measure's, and corrections naming unknown controls.
    /// </summary>
    public static IReadOnlyList<CatalogError> CheckReferences(FrameworkSet set, Catalog catalog)
    {
        var errors = new List<CatalogError>();
        foreach (var control in catalog.Controls.Values)
            foreach (var reference in control.Citations)
            {
                if (!set.Frameworks.TryGetValue(reference.Framework, out var framework)) continue;
                var measure = framework.Measures.FirstOrDefault(m => m.Id == reference.Measure);
                if (measure is null)
                    errors.Add(new CatalogError(control.Source, $"{control.Id} cites {reference.Framework} measure '{reference.Measure}', which {framework.Location.File} does not list"));
                else if (measure.Place != reference.Place)
                    errors.Add(new CatalogError(control.Source, $"{control.Id} cites {reference.Framework} '{reference.Measure}' at '{reference.Place}'; the measure is at '{measure.Place}'"));
                else if (reference.Source != framework.Source)
                    errors.Add(new CatalogError(control.Source, $"{control.Id} cites {reference.Framework} as '{reference.Source}'; the framework file names '{framework.Source}'"));
            }
        foreach (var c in set.Corrections)
            foreach (var id in c.Controls.Where(id => !catalog.Controls.ContainsKey(id)))
                errors.Add(new CatalogError(new SourceLocation(CorrectionsFile, 1), $"correction for '{c.Cited}' names unknown control '{id}'"));
        return errors;
    }

    private static FrameworkDefinition? ReadFramework(YamlNodeReader r, YamlMappingNode root)
    {
        var before = r.ErrorCount;
        var e = r.Entries(root, FrameworkKeys);
        var id = r.Scalar(e, "framework", root);
        var title = r.Scalar(e, "title", root);
        var source = r.Scalar(e, "source", root);
        var reading = r.Scalar(e, "reading", root);
        var measures = new List<FrameworkMeasure>();
        if (e.TryGetValue("measures", out var node) && node is YamlSequenceNode list)
            foreach (var item in list.Children)
            {
                if (item is not YamlMappingNode map) { r.Error(item, "each measure must be a mapping"); continue; }
                var me = r.Entries(map, MeasureKeys);
                var mid = r.Scalar(me, "id", map);
                var place = r.Scalar(me, "place", map);
                var text = r.Scalar(me, "measure", map);
                var scopeText = r.Scalar(me, "scope", map);
                var levelText = r.Scalar(me, "level", map, required: id == "rand");
                var wording = r.Scalar(me, "wording", map, required: false);
                MeasureScope? scope = scopeText switch { "host" => MeasureScope.Host, "organisational" => MeasureScope.Organisational, _ => null };
                if (scopeText is not null && scope is null) r.Error(me["scope"], $"scope '{scopeText}' must be host or organisational");
                var level = levelText is null ? null : RandLevels.Parse(levelText);
                if (levelText is not null && level is null) r.Error(me["level"], $"level '{levelText}' must be SL1 to SL5");
                if (wording is not null && wording is not ("transcription" or "paraphrase")) r.Error(me["wording"], $"wording '{wording}' must be transcription or paraphrase");
                if (mid is not null && measures.Any(m => m.Id == mid)) r.Error(map, $"measure '{mid}' is listed twice");
                if (mid is null || place is null || text is null || scope is null) continue;
                measures.Add(new FrameworkMeasure(mid, place, text, scope.Value, level, wording));
            }
        else r.Error(root, "expected a 'measures' list");
        if (r.ErrorCount > before) return null;
        return new FrameworkDefinition(id!, title!, source!, reading!, measures, r.At(root));
    }

    private static List<CitationCorrection> ReadCorrections(YamlNodeReader r, YamlMappingNode root)
    {
        var result = new List<CitationCorrection>();
        var e = r.Entries(root, "corrections");
        if (!e.TryGetValue("corrections", out var node) || node is not YamlSequenceNode list) { r.Error(root, "expected a 'corrections' list"); return result; }
        foreach (var item in list.Children)
        {
            if (item is not YamlMappingNode map) { r.Error(item, "each correction must be a mapping"); continue; }
            var ce = r.Entries(map, CorrectionKeys);
            var controls = r.StringList(ce, "controls", map);
            var cited = r.Scalar(ce, "cited", map);
            var problem = r.Scalar(ce, "problem", map);
            var now = r.Scalar(ce, "now", map);
            var words = r.Scalar(ce, "source-words", map);
            if (controls is null || cited is null || problem is null || now is null || words is null) continue;
            result.Add(new CitationCorrection(controls, cited, problem, now, words));
        }
        return result;
    }
}
