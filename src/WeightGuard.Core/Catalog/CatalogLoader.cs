using System.Globalization;
using System.Text.RegularExpressions;
using WeightGuard.Core.Checks;
using WeightGuard.Core.Checks.Kinds;
using WeightGuard.Core.Inputs;
using YamlDotNet.RepresentationModel;

namespace WeightGuard.Core.Catalog;

/// <summary>The outcome of loading a catalogue: the catalogue when there were no errors, and every error found.</summary>
/// <param name="Catalog">The catalogue, or null when <paramref name="Errors"/> is not empty.</param>
/// <param name="Errors">Problems as <c>file:line: message</c>, in file order.</param>
public sealed record CatalogLoadResult(Catalog? Catalog, IReadOnlyList<CatalogError> Errors);

/// <summary>
/// Reads and validates controls, profiles and waivers: unknown keys, duplicate ids, unknown check kinds and parameters,
/// dangling references and extension cycles are all reported with <c>file:line</c>; nothing is half-loaded.
/// </summary>
public static partial class CatalogLoader
{
    private static readonly string[] ControlKeys = ["id", "title", "domain", "description", "rationale", "severity", "severity-justification", "revision", "check", "remediation", "guidance", "platforms", "references"];
    private static readonly string[] ProfileKeys = ["id", "title", "description", "extends", "controls", "params"];
    private static readonly string[] WaiverKeys = ["control", "hosts", "labels", "justification", "approver", "expires", "recorded", "withdrawn", "id"];
    private static readonly string[] Frameworks = ["rand", "ncsc", "dsit", "nist-800-53", "cis", "iso-27001"];
    private static readonly string[] PlatformNames = ["linux", "windows"];
    private static readonly string[] ReferenceKeys = ["framework", "source", "place", "measure", "level", "mapping", "why", "note"];

    /// <summary>
    /// Loads a catalogue directory holding <c>controls/</c>, <c>profiles/</c> and optionally <c>waivers/</c>. A file that
    /// cannot be read (not a regular file, over <see cref="InputKind.CatalogFile"/>'s limit, unreadable) is an error.
    /// </summary>
    public static CatalogLoadResult LoadDirectory(string directory)
    {
        try
        {
            return Load(ReadAll(Path.Combine(directory, "controls")), ReadAll(Path.Combine(directory, "profiles")), ReadAll(Path.Combine(directory, "waivers")));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return new CatalogLoadResult(null, [ReadError(e)]);
        }
    }

    /// <summary>Reads a waiver file on its own (see <see cref="LoadWaivers"/>); an unreadable file is an error.</summary>
    public static (IReadOnlyList<Waiver> Waivers, IReadOnlyList<CatalogError> Errors) LoadWaiverFile(string path, Catalog catalog) =>
        LoadFile(path, source => LoadWaivers(source, catalog));

    /// <summary>Reads a manual-attestation file on its own (see <see cref="LoadAttestations"/>); an unreadable file is an error.</summary>
    public static (IReadOnlyList<ManualAttestation> Attestations, IReadOnlyList<CatalogError> Errors) LoadAttestationFile(string path, Catalog catalog) =>
        LoadFile(path, source => LoadAttestations(source, catalog));

    /// <summary>People's decisions (waivers, attestations) read through <see cref="BoundedFile"/> as a waiver-sized file.</summary>
    private static (IReadOnlyList<T> Items, IReadOnlyList<CatalogError> Errors) LoadFile<T>(string path,
        Func<CatalogSource, (IReadOnlyList<T>, IReadOnlyList<CatalogError>)> load)
    {
        try
        {
            return load(new CatalogSource(path, BoundedFile.ReadText(path, InputKind.WaiverFile)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return ([], [ReadError(e)]);
        }
    }

    /// <summary>
    /// Reads every <c>*.yaml</c> file of a directory (none when it does not exist), named by their path, each through
    /// <see cref="BoundedFile"/>.
    /// </summary>
    /// <exception cref="IOException">A file is not a regular file or cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    /// <exception cref="InvalidDataException">A file is larger than <see cref="InputKind.CatalogFile"/> allows.</exception>
    public static IReadOnlyList<CatalogSource> ReadAll(string directory) => Directory.Exists(directory)
        ? Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal)
            .Select(f => new CatalogSource(Path.Combine(directory, Path.GetFileName(f)), BoundedFile.ReadText(f, InputKind.CatalogFile))).ToList()
        : [];

    /// <summary>An unreadable file as a catalogue error; the exception's message already begins with the path.</summary>
    private static CatalogError ReadError(Exception e)
    {
        var colon = e.Message.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0
            ? new CatalogError(new SourceLocation(e.Message[..colon], 1), e.Message[(colon + 2)..])
            : new CatalogError(new SourceLocation("catalogue", 1), e.Message);
    }

    /// <summary>Loads and cross-checks the given sources.</summary>
    public static CatalogLoadResult Load(IEnumerable<CatalogSource> controls, IEnumerable<CatalogSource> profiles, IEnumerable<CatalogSource>? waivers = null)
    {
        var errors = new List<CatalogError>();
        var text = new Dictionary<string, string>(StringComparer.Ordinal);
        var controlMap = new SortedDictionary<string, ControlDefinition>(StringComparer.Ordinal);
        foreach (var source in controls)
        {
            text[source.Name] = source.Text;
            if (ReadControl(source, errors) is { } c && !controlMap.TryAdd(c.Id, c))
                errors.Add(new CatalogError(c.Source, $"duplicate control id '{c.Id}' (first defined at {controlMap[c.Id].Source})"));
        }

        var profileMap = new SortedDictionary<string, ProfileDefinition>(StringComparer.Ordinal);
        var lines = new Dictionary<(string Profile, string Item), int>();
        foreach (var source in profiles)
        {
            text[source.Name] = source.Text;
            if (ReadProfile(source, errors, lines) is { } p && !profileMap.TryAdd(p.Id, p))
                errors.Add(new CatalogError(p.Source, $"duplicate profile id '{p.Id}' (first defined at {profileMap[p.Id].Source})"));
        }
        CheckProfiles(profileMap, controlMap, lines, errors);

        var waiverList = new List<Waiver>();
        foreach (var source in waivers ?? [])
            waiverList.AddRange(ReadWaivers(source, controlMap, errors));

        return errors.Count > 0
            ? new CatalogLoadResult(null, errors)
            : new CatalogLoadResult(new Catalog(controlMap, profileMap, waiverList, text), []);
    }

    private static ControlDefinition? ReadControl(CatalogSource source, List<CatalogError> errors)
    {
        var r = new YamlNodeReader(source.Name, errors);
        var before = errors.Count;
        if (r.ParseRoot(source.Text) is not { } root) return null;
        var e = r.Entries(root, ControlKeys);
        var id = r.Scalar(e, "id", root);
        if (id is not null && !ControlId().IsMatch(id)) r.Error(e["id"], $"control id '{id}' must look like WG-AREA-000");
        if (id is not null && Path.GetFileNameWithoutExtension(source.Name) != id)
            r.Error(e["id"], $"control '{id}' must be in a file named {id}.yaml");
        var title = r.Scalar(e, "title", root);
        var domain = r.Scalar(e, "domain", root);
        var description = r.Scalar(e, "description", root);
        var rationale = r.Scalar(e, "rationale", root);
        var severityText = r.Scalar(e, "severity", root);
        Severity severity = default;
        if (severityText is not null && !TryParseSeverity(severityText, out severity))
            r.Error(e["severity"], $"severity '{severityText}' must be low, medium, high or critical");
        var severityJustification = r.Scalar(e, "severity-justification", root);
        var revisionText = r.Scalar(e, "revision", root);
        var revision = 0;
        if (revisionText is not null && (!int.TryParse(revisionText, NumberStyles.None, CultureInfo.InvariantCulture, out revision) || revision < 1))
            r.Error(e["revision"], $"revision '{revisionText}' must be a whole number from 1");

        var (check, auditCheck) = ReadCheck(r, e, root);
        Remediation? remediation = null;
        if (r.Map(e, "remediation", root) is { } remNode)
        {
            var re = r.Entries(remNode, "linux", "windows");
            var linux = r.Scalar(re, "linux", remNode);
            var windows = r.Scalar(re, "windows", remNode, required: false);
            if (linux is not null) remediation = new Remediation(linux, windows);
        }
        // every automated check can err (evidence missing or unreadable); only a manual control never does
        var guidance = r.Scalar(e, "guidance", root, required: false);
        if (guidance is null && check is not null && check.Kind != ManualCheck.KindName)
            r.Error(root, "missing required key 'guidance': what to do so that WeightGuard can check the control when its evidence is missing or unreadable");
        var platforms = r.StringList(e, "platforms", root);
        foreach (var p in platforms ?? [])
            if (!PlatformNames.Contains(p)) r.Error(e["platforms"], $"unknown platform '{p}' (known: linux, windows)");
        if (platforms?.Contains("windows") == true && remediation is { Windows: null })
            r.Error(e["remediation"], "a control for windows needs remediation.windows");

        var citations = new List<FrameworkReference>();
        if (!e.TryGetValue("references", out var refNode)) r.Error(root, "missing required key 'references'");
        else if (refNode is YamlSequenceNode refList) citations = ReadReferences(r, refList);
        else r.Error(refNode, "'references' must be a list of {framework, source, place, measure, mapping} (with 'why' when the mapping is derived)");

        if (errors.Count > before) return null;
        return new ControlDefinition
        {
            Id = id!, Title = title!, Domain = domain!, Description = description!, Rationale = rationale!, Severity = severity,
            SeverityJustification = severityJustification!, Revision = revision, Check = check!, AuditCheck = auditCheck!,
            Remediation = remediation!, Guidance = guidance, Platforms = platforms!, Citations = citations, Source = r.At(root),
        };
    }

    private static bool TryParseSeverity(string text, out Severity severity)
    {
        severity = text switch { "low" => Severity.Low, "medium" => Severity.Medium, "high" => Severity.High, "critical" => Severity.Critical, _ => (Severity)(-1) };
        return Enum.IsDefined(severity);
    }

    /// <summary>
    /// Reads the reference list: each item names its framework, the document with its version (<c>source</c>), the exact
    /// <c>place</c>, the <c>measure</c> it evidences, and a <c>mapping</c> status; a derived mapping says <c>why</c>.
    /// </summary>
    private static List<FrameworkReference> ReadReferences(YamlNodeReader r, YamlSequenceNode list)
    {
        var result = new List<FrameworkReference>();
        foreach (var item in list.Children)
        {
            if (item is not YamlMappingNode map) { r.Error(item, "each reference must be a mapping with framework, source, place, measure and mapping"); continue; }
            var re = r.Entries(map, ReferenceKeys);
            var framework = r.Scalar(re, "framework", map);
            var source = r.Scalar(re, "source", map);
            var place = r.Scalar(re, "place", map);
            var measure = r.Scalar(re, "measure", map);
            var mappingText = r.Scalar(re, "mapping", map);
            var why = r.Scalar(re, "why", map, required: false);
            var note = r.Scalar(re, "note", map, required: false);
            var levelText = r.Scalar(re, "level", map, required: framework == "rand");
            if (framework is not null && !Frameworks.Contains(framework))
                r.Error(re["framework"], $"unknown framework '{framework}' (known: {string.Join(", ", Frameworks)})");
            MappingStatus mapping = default;
            if (mappingText is not null && !TryParseMapping(mappingText, out mapping))
                r.Error(re["mapping"], $"mapping '{mappingText}' must be direct, partial or derived");
            if (mappingText is not null && mapping == MappingStatus.Derived && why is null)
                r.Error(map, "a derived reference needs 'why': one sentence on what the measure implies on a host");
            int? level = null;
            if (levelText is not null)
            {
                if (framework != "rand") r.Error(re["level"], "'level' belongs to rand references only");
                else if (RandLevels.Parse(levelText) is { } l) level = l;
                else r.Error(re["level"], $"rand level '{levelText}' must be SL1 to SL5");
            }
            if (framework == "dsit" && measure is not null && !DsitReference().IsMatch(measure))
                r.Error(re["measure"], $"dsit measure '{measure}' must be a principle P1 to P13 or a provision number such as 5.4.2");
            if (framework is null || source is null || place is null || measure is null || mappingText is null) continue;
            result.Add(new FrameworkReference
            {
                Framework = framework, Source = source, Place = place, Measure = measure, Level = level, Mapping = mapping, Why = why, Note = note,
            });
        }
        if (result.Count == 0 && list.Children.Count == 0) r.Error(list, "a control needs at least one framework reference");
        return result;
    }

    private static bool TryParseMapping(string text, out MappingStatus mapping)
    {
        mapping = text switch { "direct" => MappingStatus.Direct, "partial" => MappingStatus.Partial, "derived" => MappingStatus.Derived, _ => (MappingStatus)(-1) };
        return Enum.IsDefined(mapping);
    }

    private static (CheckSpec? Check, string? AuditCheck) ReadCheck(YamlNodeReader r, Dictionary<string, YamlNode> e, YamlMappingNode root)
    {
        if (r.Map(e, "check", root) is not { } node) return (null, null);
        var ce = r.Entries(node, "kind", "params", "text");
        var text = r.Scalar(ce, "text", node);
        var kind = r.Scalar(ce, "kind", node);
        if (kind is null) return (null, text);
        if (!CheckRegistry.ByKind.TryGetValue(kind, out var check))
        {
            r.Error(ce["kind"], $"unknown check kind '{kind}' (known: {string.Join(", ", CheckRegistry.ByKind.Keys.Order(StringComparer.Ordinal))})");
            return (null, text);
        }
        var values = new Dictionary<string, ParamValue>(StringComparer.Ordinal);
        if (r.Map(ce, "params", node, required: false) is { } paramNode)
            foreach (var (name, (value, at)) in r.Params(paramNode))
                if (CheckParam(r, check, name, value, at)) values[name] = value;
        if (check is IValidatesParameters validating)
        {
            var effective = check.Parameters.ToDictionary(p => p.Name, p => p.Default, StringComparer.Ordinal);
            foreach (var (k, v) in values) effective[k] = v;
            foreach (var problem in validating.Validate(effective)) r.Error(node, problem);
        }
        return (new CheckSpec(kind, values), text);
    }

    private static bool CheckParam(YamlNodeReader r, ICheck check, string name, ParamValue value, YamlNode at)
    {
        var declared = check.Parameters.FirstOrDefault(p => p.Name == name);
        if (declared is null)
        {
            r.Error(at, check.Parameters.Count == 0
                ? $"check kind '{check.Kind}' takes no parameters, got '{name}'"
                : $"unknown parameter '{name}' for check kind '{check.Kind}' (known: {string.Join(", ", check.Parameters.Select(p => p.Name))})");
            return false;
        }
        if (value.Fits(declared.Type)) return true;
        r.Error(at, $"parameter '{name}' of '{check.Kind}' must be {Describe(declared.Type)}, got '{value}'");
        return false;
    }

    private static string Describe(ParamType type) => type switch
    {
        ParamType.Integer => "an integer", ParamType.Boolean => "true or false", ParamType.String => "a string", _ => "a list of strings",
    };

    private static ProfileDefinition? ReadProfile(CatalogSource source, List<CatalogError> errors, Dictionary<(string, string), int> lines)
    {
        var r = new YamlNodeReader(source.Name, errors);
        var before = errors.Count;
        if (r.ParseRoot(source.Text) is not { } root) return null;
        var e = r.Entries(root, ProfileKeys);
        var id = r.Scalar(e, "id", root);
        if (id is not null && Path.GetFileNameWithoutExtension(source.Name) != id)
            r.Error(e["id"], $"profile '{id}' must be in a file named {id}.yaml");
        var title = r.Scalar(e, "title", root);
        var description = r.Scalar(e, "description", root);
        var extends = r.Scalar(e, "extends", root, required: false);
        var controls = r.StringList(e, "controls", root) ?? [];
        if (id is not null)
        {
            if (extends is not null) lines[(id, "extends")] = (int)e["extends"].Start.Line;
            if (e.TryGetValue("controls", out var cn) && cn is YamlSequenceNode seq)
                foreach (var item in seq.Children.OfType<YamlScalarNode>())
                    if (!lines.TryAdd((id, "control:" + item.Value), (int)item.Start.Line)) r.Error(item, $"control '{item.Value}' is listed twice");
        }
        var parameters = new SortedDictionary<string, IReadOnlyDictionary<string, ParamValue>>(StringComparer.Ordinal);
        if (r.Map(e, "params", root, required: false) is { } pn)
            foreach (var (keyNode, value) in pn.Children)
            {
                var controlId = (keyNode as YamlScalarNode)?.Value ?? "";
                if (value is not YamlMappingNode map) { r.Error(value, $"params for '{controlId}' must be a mapping"); continue; }
                var read = r.Params(map);
                parameters[controlId] = read.ToDictionary(kv => kv.Key, kv => kv.Value.Value, StringComparer.Ordinal);
                if (id is not null)
                {
                    lines[(id, "params:" + controlId)] = (int)keyNode.Start.Line;
                    foreach (var (name, (_, at)) in read) lines[(id, $"param:{controlId}:{name}")] = (int)at.Start.Line;
                }
            }
        if (errors.Count > before) return null;
        return new ProfileDefinition
        {
            Id = id!, Title = title!, Description = description!, Extends = extends, Controls = controls, Params = parameters, Source = r.At(root),
        };
    }

    private static void CheckProfiles(IReadOnlyDictionary<string, ProfileDefinition> profiles, IReadOnlyDictionary<string, ControlDefinition> controls,
        Dictionary<(string, string), int> lines, List<CatalogError> errors)
    {
        foreach (var p in profiles.Values)
        {
            var file = p.Source.File;
            if (p.Extends is not null && !profiles.ContainsKey(p.Extends))
                errors.Add(new CatalogError(new SourceLocation(file, lines[(p.Id, "extends")]), $"profile '{p.Id}' extends unknown profile '{p.Extends}'"));
            foreach (var c in p.Controls.Where(c => !controls.ContainsKey(c)))
                errors.Add(new CatalogError(new SourceLocation(file, lines[(p.Id, "control:" + c)]), $"profile '{p.Id}' names unknown control '{c}'"));

            var chain = new List<string> { p.Id };
            var cycle = false;
            for (var next = p.Extends; next is not null && profiles.TryGetValue(next, out var parent); next = parent.Extends)
            {
                if (chain.Contains(next)) { chain.Add(next); cycle = true; break; }
                chain.Add(next);
            }
            if (cycle)
            {
                errors.Add(new CatalogError(new SourceLocation(file, lines[(p.Id, "extends")]), $"extension cycle: {string.Join(" -> ", chain)}"));
                continue;
            }
            var inChain = chain.Where(profiles.ContainsKey).SelectMany(id => profiles[id].Controls).ToHashSet(StringComparer.Ordinal);
            foreach (var (controlId, values) in p.Params)
            {
                var at = new SourceLocation(file, lines[(p.Id, "params:" + controlId)]);
                if (!controls.TryGetValue(controlId, out var control)) { errors.Add(new CatalogError(at, $"params for unknown control '{controlId}'")); continue; }
                if (!inChain.Contains(controlId)) { errors.Add(new CatalogError(at, $"params for '{controlId}', which profile '{p.Id}' does not include")); continue; }
                var check = CheckRegistry.ByKind[control.Check.Kind];
                var r = new YamlNodeReader(file, errors);
                foreach (var (name, value) in values)
                {
                    var line = lines[(p.Id, $"param:{controlId}:{name}")];
                    var declared = check.Parameters.FirstOrDefault(d => d.Name == name);
                    if (declared is null) r.Error(line, $"unknown parameter '{name}' for '{controlId}' (check kind '{check.Kind}')");
                    else if (!value.Fits(declared.Type)) r.Error(line, $"parameter '{name}' of '{controlId}' must be {Describe(declared.Type)}, got '{value}'");
                }
            }
        }
    }

    [GeneratedRegex("^WG-[A-Z]+-[0-9]{3}$")]
    private static partial Regex ControlId();

    [GeneratedRegex(@"^(P([1-9]|1[0-3])|[0-9]+(\.[0-9]+)+)$")]
    private static partial Regex DsitReference();
}
