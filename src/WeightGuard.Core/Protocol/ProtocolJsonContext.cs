using System.Text.Json.Serialization;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Reports;

namespace WeightGuard.Core.Protocol;

/// <summary>Source-generated JSON for the agent ⇄ aggregator messages, with the report options of <see cref="WeightGuardJsonContext"/>.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    Converters = [typeof(KebabCaseEnumConverter<ControlStatus>), typeof(KebabCaseEnumConverter<Severity>)])]
[JsonSerializable(typeof(EnrollmentRequest))]
[JsonSerializable(typeof(EnrollmentResult))]
[JsonSerializable(typeof(ActivationRequest))]
[JsonSerializable(typeof(NonceResponse))]
[JsonSerializable(typeof(ReportSubmission))]
[JsonSerializable(typeof(SubmissionResult))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext;
