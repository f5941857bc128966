using System.Text.Json.Serialization;

namespace WeightGuard.Evidence;

/// <summary>Source-generated JSON of the working paper (<c>evidence verify --format json</c>); the CLI is NativeAOT.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(WorkingPaper))]
public sealed partial class WorkingPaperJsonContext : JsonSerializerContext;
