using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace WeightGuard.Core.Catalog;

/// <summary>
/// Reads catalogue YAML through the representation model (line numbers for every node, no reflection) and collects
/// errors instead of throwing, so one run reports every problem in a file.
/// </summary>
internal sealed class YamlNodeReader(string file, List<CatalogError> errors)
{
    public string File { get; } = file;

    /// <summary>How many errors have been collected so far (this file's and others'), to tell whether a read added any.</summary>
    public int ErrorCount => errors.Count;

    public SourceLocation At(YamlNode node) => new(File, (int)node.Start.Line);

    public void Error(YamlNode node, string message) => errors.Add(new CatalogError(At(node), message));

    public void Error(int line, string message) => errors.Add(new CatalogError(new SourceLocation(File, line), message));

    /// <summary>Deepest nesting of mappings and sequences accepted (the catalogue needs 4; the representation model recurses per level).</summary>
    public const int MaxDepth = 64;

    /// <summary>Most bytes of YAML accepted in one document (the readers bound files to this or less already).</summary>
    public const int MaxChars = 4 << 20;

    /// <summary>Parses a document whose root must be a mapping; null (with an error) otherwise.</summary>
    public YamlMappingNode? ParseRoot(string text)
    {
        var stream = new YamlStream();
        try
        {
            if (text.Length > MaxChars)
            {
                Error(1, $"larger than {MaxChars} characters; not parsed");
                return null;
            }
            // The event parser keeps its own stack; the representation model recurses once per level and would
            // overflow the thread's stack on tens of thousands of levels. Measure the depth first, without building nodes.
            if (TooDeep(text) is { } line)
            {
                Error(line, $"nested deeper than {MaxDepth} levels; not parsed");
                return null;
            }
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            Error((int)e.Start.Line, "invalid YAML: " + e.Message);
            return null;
        }
        catch (ArgumentException e)
        {
            // YamlDotNet also refuses some malformed input this way (a tag that is no URI, an event it cannot place).
            Error(1, "invalid YAML: " + e.Message);
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's parser gives up this way on some unterminated flow collections; it names no position.
            Error(1, "invalid YAML: unterminated or malformed structure");
            return null;
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            Error(stream.Documents.Count > 0 ? (int)stream.Documents[0].RootNode.Start.Line : 1, "expected one YAML mapping");
            return null;
        }
        return root;
    }

    /// <summary>The line where nesting first goes deeper than <see cref="MaxDepth"/>, or null.</summary>
    private static int? TooDeep(string text)
    {
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart when ++depth > MaxDepth:
                    return (int)parser.Current.Start.Line;
                case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                    depth--;
                    break;
            }
        }
        return null;
    }

    /// <summary>Reports keys of <paramref name="map"/> that are not in <paramref name="allowed"/>; returns the entries by key.</summary>
    public Dictionary<string, YamlNode> Entries(YamlMappingNode map, params string[] allowed)
    {
        var entries = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!allowed.Contains(key)) Error(keyNode, $"unknown key '{key}' (allowed: {string.Join(", ", allowed)})");
            else if (!entries.TryAdd(key, value)) Error(keyNode, $"duplicate key '{key}'");
        }
        return entries;
    }

    public string? Scalar(Dictionary<string, YamlNode> entries, string key, YamlNode owner, bool required = true)
    {
        if (!entries.TryGetValue(key, out var node))
        {
            if (required) Error(owner, $"missing required key '{key}'");
            return null;
        }
        if (node is YamlScalarNode { Value: { Length: > 0 } value }) return value;
        Error(node, $"'{key}' must be a non-empty string");
        return null;
    }

    public IReadOnlyList<string>? StringList(Dictionary<string, YamlNode> entries, string key, YamlNode owner, bool required = true)
    {
        if (!entries.TryGetValue(key, out var node))
        {
            if (required) Error(owner, $"missing required key '{key}'");
            return null;
        }
        return StringList(node, key);
    }

    public IReadOnlyList<string>? StringList(YamlNode node, string what)
    {
        if (node is not YamlSequenceNode seq)
        {
            Error(node, $"'{what}' must be a list");
            return null;
        }
        var items = new List<string>();
        foreach (var item in seq.Children)
        {
            if (item is YamlScalarNode { Value: { Length: > 0 } value }) items.Add(value);
            else Error(item, $"'{what}' items must be non-empty strings");
        }
        return items;
    }

    public YamlMappingNode? Map(Dictionary<string, YamlNode> entries, string key, YamlNode owner, bool required = true)
    {
        if (!entries.TryGetValue(key, out var node))
        {
            if (required) Error(owner, $"missing required key '{key}'");
            return null;
        }
        if (node is YamlMappingNode map) return map;
        Error(node, $"'{key}' must be a mapping");
        return null;
    }

    /// <summary>Reads a parameter map: each value a scalar or a list of scalars.</summary>
    public Dictionary<string, (ParamValue Value, YamlNode Node)> Params(YamlMappingNode map)
    {
        var result = new Dictionary<string, (ParamValue, YamlNode)>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            ParamValue? parsed = value switch
            {
                YamlScalarNode s => ParamValue.Of(s.Value ?? ""),
                YamlSequenceNode => StringList(value, key) is { } list ? ParamValue.Of(list) : null,
                _ => null,
            };
            if (parsed is null) Error(value, $"parameter '{key}' must be a scalar or a list of scalars");
            else if (!result.TryAdd(key, (parsed, keyNode))) Error(keyNode, $"duplicate parameter '{key}'");
        }
        return result;
    }
}
