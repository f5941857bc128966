using System.Text.Json.Serialization;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Protocol;
using WeightGuard.Core.Reports;

namespace WeightGuard.Evidence;

/// <summary>Source-generated JSON for the bundle's own files, with the report's options (kebab-case enums, nulls omitted, strict reading).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    Converters = [typeof(KebabCaseEnumConverter<ControlStatus>), typeof(KebabCaseEnumConverter<Severity>)])]
[JsonSerializable(typeof(ManifestDocument))]
[JsonSerializable(typeof(HostDocument))]
[JsonSerializable(typeof(VerdictsDocument))]
[JsonSerializable(typeof(QuoteAttestation))]
internal sealed partial class BundleJsonContext : JsonSerializerContext;
