using System.Text.Json.Serialization;

namespace WeightGuard.Cli.Json;

/// <summary>One framework's coverage as <c>weightguard controls coverage --format json</c> prints it.</summary>
/// <param name="Framework">The framework key.</param>
/// <param name="Source">The document and version.</param>
/// <param name="Reading">What of the source was read.</param>
/// <param name="Measures">Every measure with its coverage.</param>
internal sealed record CoverageJson(string Framework, string Source, string Reading, IReadOnlyList<MeasureCoverageJson> Measures);

/// <summary>A measure and the controls that evidence it.</summary>
/// <param name="Id">The measure id.</param>
/// <param name="Place">Where it is in the source.</param>
/// <param name="Measure">What it asks.</param>
/// <param name="Scope">host or organisational.</param>
/// <param name="Level">For RAND, SL1–SL5.</param>
/// <param name="Wording">transcription or paraphrase where the source was not read.</param>
/// <param name="Coverage">covered, organisational — manual attestation, or not covered.</param>
/// <param name="Controls">The controls citing it.</param>
internal sealed record MeasureCoverageJson(string Id, string Place, string Measure, string Scope, string? Level, string? Wording, string Coverage,
    IReadOnlyList<CoveringControlJson> Controls);

/// <summary>A control citing a measure.</summary>
/// <param name="Id">The control id.</param>
/// <param name="Mapping">direct, partial or derived.</param>
/// <param name="Manual">True when a person attests it.</param>
internal sealed record CoveringControlJson(string Id, string Mapping, bool Manual);

/// <summary>Source-generated JSON for <c>weightguard controls coverage</c>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IReadOnlyList<CoverageJson>))]
internal sealed partial class CoverageJsonContext : JsonSerializerContext;
