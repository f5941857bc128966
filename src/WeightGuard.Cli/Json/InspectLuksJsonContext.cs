using System.Text.Json.Serialization;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Cli.Json;

/// <summary>Source-generated JSON for <c>weightguard inspect luks</c> (camelCase, indented, nulls omitted).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LuksSummary))]
internal sealed partial class InspectLuksJsonContext : JsonSerializerContext;
