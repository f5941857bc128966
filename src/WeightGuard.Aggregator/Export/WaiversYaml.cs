using System.Globalization;
using WeightGuard.Core.Catalog;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace WeightGuard.Aggregator.Export;

/// <summary>Writes waivers as the <c>waivers.yaml</c> that <see cref="CatalogLoader"/> reads (every scalar double-quoted, so no text is read as YAML).</summary>
public static class WaiversYaml
{
    private static readonly ISerializer Serializer = new SerializerBuilder().WithDefaultScalarStyle(ScalarStyle.DoubleQuoted).Build();

    /// <summary>The file's UTF-8 bytes.</summary>
    public static byte[] Write(IEnumerable<Waiver> waivers) => System.Text.Encoding.UTF8.GetBytes(Serializer.Serialize(
        new Dictionary<string, List<Dictionary<string, string>>>
        {
            ["waivers"] = waivers.Select(w => new Dictionary<string, string>
            {
                ["control"] = w.ControlId, ["hosts"] = w.HostPattern, ["justification"] = w.Justification, ["approver"] = w.Approver,
                ["expires"] = w.Expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            }).ToList(),
        }));
}
