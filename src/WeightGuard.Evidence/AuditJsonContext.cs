using System.Text.Json.Serialization;

namespace WeightGuard.Evidence;

/// <summary>Source-generated, compact JSON for audit rows (one per line) and the input of their hashes.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false,
    RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(AuditEntry))]
[JsonSerializable(typeof(AuditHashInput))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;
