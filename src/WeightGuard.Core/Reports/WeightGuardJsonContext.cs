using System.Text.Json;
using System.Text.Json.Serialization;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evaluation;

namespace WeightGuard.Core.Reports;

/// <summary>
/// Source-generated JSON for reports and evidence (NativeAOT-safe): camelCase properties, kebab-case enum values,
/// nulls omitted, property order as declared, so the same report always serialises to the same bytes.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    Converters = [typeof(KebabCaseEnumConverter<ControlStatus>), typeof(KebabCaseEnumConverter<Severity>)])]
[JsonSerializable(typeof(Report))]
[JsonSerializable(typeof(Evidence.Evidence))]
public sealed partial class WeightGuardJsonContext : JsonSerializerContext;

/// <summary>Writes and reads enum values in kebab case (<c>NotApplicable</c> ⇄ <c>not-applicable</c>).</summary>
public sealed class KebabCaseEnumConverter<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false)
    where T : struct, Enum;
