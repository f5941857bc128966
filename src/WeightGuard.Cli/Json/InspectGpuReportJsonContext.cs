using System.Text.Json.Serialization;

namespace WeightGuard.Cli.Json;

/// <summary>One measurement block of a GPU report.</summary>
internal sealed record GpuMeasurementJson(int Index, int ValueType, string Digest);

/// <summary>One field of NVIDIA's opaque data, by number, as hex.</summary>
internal sealed record GpuOpaqueFieldJson(int Type, string Value);

/// <summary>The opaque data: the versions read out, and every field.</summary>
internal sealed record GpuOpaqueJson(string? DriverVersion, string? VbiosVersion, IReadOnlyList<GpuOpaqueFieldJson> Fields);

/// <summary>A measurement no reference value allows.</summary>
internal sealed record GpuMismatchJson(int Index, string Name, string? Found);

/// <summary>What <c>weightguard inspect gpu-report</c> prints.</summary>
internal sealed record GpuReportJson(string Report, string SpdmVersion, bool SignatureRequested, string Nonce, string? ResponderNonce, int Slot,
    IReadOnlyList<GpuMeasurementJson> Measurements, GpuOpaqueJson Opaque, string? Leaf, bool SignatureValid, bool ChainValid, bool? NonceMatches,
    IReadOnlyList<string> References, bool ReferenceSignaturesChecked, int MeasurementsChecked, IReadOnlyList<GpuMismatchJson> Mismatches,
    string Verdict, string Reason);

/// <summary>Source-generated JSON for <c>weightguard inspect gpu-report</c> (camelCase, indented).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(GpuReportJson))]
internal sealed partial class InspectGpuReportJsonContext : JsonSerializerContext;
