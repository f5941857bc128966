using System.Text.Json;

namespace WeightGuard.Collectors.Platform.Egress;

/// <summary>
/// Reads the chains of <c>nft -j list ruleset</c> output (libnftables JSON schema 1): <c>chain</c> objects give hook and
/// policy, <c>rule</c> objects are counted against their chain, and a rule whose statements are only counters, logs and
/// <c>accept</c> accepts every packet. Everything else (sets, maps, flowtables) is skipped.
/// </summary>
public static class NftJsonParser
{
    /// <summary>Most top-level objects read.</summary>
    public const int MaxObjects = 1_000_000;

    /// <summary>Deepest JSON nesting accepted.</summary>
    public const int MaxDepth = 128;

    /// <summary>Parses the JSON text; <paramref name="source"/> names it in messages and in each chain's source.</summary>
    /// <exception cref="InvalidDataException">Not JSON, not an <c>nftables</c> array, nested too deep, or too many objects.</exception>
    public static IReadOnlyList<NftChain> Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("nftables", out var items) || items.ValueKind != JsonValueKind.Array)
                throw new InvalidDataException($"{source}: not nft JSON (no top-level \"nftables\" array)");
            if (items.GetArrayLength() > MaxObjects) throw new InvalidDataException($"{source}: more than {MaxObjects} objects");
            var chains = new Dictionary<(string, string, string), NftChain>();
            var index = 0;
            foreach (var item in items.EnumerateArray())
            {
                index++;
                if (item.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{source}: object {index} is a {item.ValueKind}, not an object");
                if (item.TryGetProperty("chain", out var chain))
                {
                    var key = Key(chain, "name", source, index);
                    chains[key] = new NftChain(key.Item1, key.Item2, key.Item3, Text(chain, "hook"), Text(chain, "policy") ?? "accept", 0, false,
                        $"{source}: {key.Item1} {key.Item2} {key.Item3}");
                }
                else if (item.TryGetProperty("rule", out var rule))
                {
                    var key = Key(rule, "chain", source, index);
                    if (!chains.TryGetValue(key, out var owner)) throw new InvalidDataException($"{source}: object {index}: rule for undeclared chain {key.Item1} {key.Item2} {key.Item3}");
                    chains[key] = owner with { Rules = owner.Rules + 1, AcceptsEverything = owner.AcceptsEverything || AcceptsEverything(rule) };
                }
            }
            return chains.Values.ToList();
        }
    }

    /// <summary>Every statement is a counter, a log or <c>accept</c>, and one is <c>accept</c>: no match limits it.</summary>
    private static bool AcceptsEverything(JsonElement rule)
    {
        if (!rule.TryGetProperty("expr", out var expr) || expr.ValueKind != JsonValueKind.Array) return false;
        var accepts = false;
        foreach (var statement in expr.EnumerateArray())
        {
            if (statement.ValueKind != JsonValueKind.Object) return false;
            foreach (var p in statement.EnumerateObject())
            {
                if (p.Name == "accept") accepts = true;
                else if (p.Name is not ("counter" or "log")) return false;
            }
        }
        return accepts;
    }

    private static (string, string, string) Key(JsonElement e, string nameProperty, string source, int index)
    {
        InvalidDataException Missing(string property) => new($"{source}: object {index}: \"{property}\" is missing or not a string");
        return (Text(e, "family") ?? throw Missing("family"), Text(e, "table") ?? throw Missing("table"), Text(e, nameProperty) ?? throw Missing(nameProperty));
    }

    private static string? Text(JsonElement e, string property) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
