using YamlDotNet.RepresentationModel;

namespace WeightGuard.Packaging.Tests;

/// <summary>Reading YAML (the agent configuration, Kubernetes manifests) as plain node trees.</summary>
public static class YamlFile
{
    /// <summary>Every document's root mapping.</summary>
    public static IReadOnlyList<YamlMappingNode> Documents(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    /// <summary>The node at a path of mapping keys, or null where a key is missing.</summary>
    public static YamlNode? At(this YamlNode node, params string[] keys)
    {
        foreach (var key in keys)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var child)) return null;
            node = child;
        }
        return node;
    }

    /// <summary>The scalar at a path of mapping keys, or null.</summary>
    public static string? Scalar(this YamlNode node, params string[] keys) => (node.At(keys) as YamlScalarNode)?.Value;

    /// <summary>The items of the sequence at a path of mapping keys; empty when there is none.</summary>
    public static IReadOnlyList<YamlNode> Items(this YamlNode node, params string[] keys) =>
        node.At(keys) is YamlSequenceNode seq ? seq.Children.ToList() : [];

    /// <summary>The dotted paths of every leaf under a mapping (<c>spool.maxBytes</c>).</summary>
    public static IEnumerable<string> LeafPaths(this YamlMappingNode map, string prefix = "") =>
        map.Children.SelectMany(kv =>
        {
            var path = prefix + ((YamlScalarNode)kv.Key).Value;
            return kv.Value is YamlMappingNode child ? child.LeafPaths(path + ".") : [path];
        });
}
