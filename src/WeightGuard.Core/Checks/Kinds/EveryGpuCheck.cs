using System.Text.Json;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>
/// One property of every NVIDIA GPU (a JSON pointer within a GPU's evidence, e.g. <c>/eccCurrent</c>) is one of the
/// expected values. Not applicable without an NVIDIA GPU. Lets a control about a per-GPU setting be pure data.
/// </summary>
public sealed class EveryGpuCheck : ICheck, IValidatesParameters
{
    /// <inheritdoc />
    public string Kind => "every-gpu";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } =
    [
        new("property", ParamType.String, ParamValue.Of("/"), "JSON pointer within one GPU's evidence, e.g. /eccCurrent."),
        new("values", ParamType.StringList, ParamValue.Of([]), "Accepted values."),
        new("property-name", ParamType.String, ParamValue.Of(""), "What the property is, in words, as findings name it: 'ECC memory'."),
    ];

    /// <inheritdoc />
    public IEnumerable<string> Validate(IReadOnlyDictionary<string, ParamValue> parameters)
    {
        if (parameters.TryGetValue("property", out var p) && (!p.AsString().StartsWith('/') || p.AsString().Length < 2))
            yield return $"property '{p}' must be a JSON pointer such as /eccCurrent";
        if (!parameters.TryGetValue("values", out var v) || v.AsList().Count == 0) yield return "values must list at least one accepted value";
        if (!parameters.TryGetValue("property-name", out var n) || string.IsNullOrWhiteSpace(n.AsString()))
            yield return "'property-name' must say in words what the property is (the JSON pointer means nothing to a reader)";
    }

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Gpu, "gpu", out var gpu) is { } missing) return missing;
        if (!gpu.Present) return CheckOutcome.NotApplicable("no NVIDIA GPU on this host", EvidencePointer.To("gpu", "present"));
        if (gpu.Gpus.Count == 0) return CheckOutcome.Error("nvidia-smi reported no GPU state", EvidencePointer.To("gpu", "errors"));
        var property = context.String("property");
        var accepted = context.List("values");
        var gpus = EvidenceFactCheck.Resolve(context.EvidenceJson, "/gpu/gpus")!.Value;
        var wrong = new List<(int Index, string Value)>();
        for (var i = 0; i < gpus.GetArrayLength(); i++)
        {
            var value = EvidenceFactCheck.Resolve(gpus[i], property) is { ValueKind: not JsonValueKind.Null } v
                ? v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText()
                : "not reported";
            if (!accepted.Contains(value)) wrong.Add((i, value));
        }
        var words = context.String("property-name");
        return wrong.Count == 0
            ? CheckOutcome.Pass(EvidenceFactCheck.Sentence($"{words} is {string.Join(" or ", accepted)} on all {gpus.GetArrayLength()} GPU(s)"), EvidencePointer.To("gpu", "gpus"))
            : CheckOutcome.Fail(EvidenceFactCheck.Sentence($"{words} is not {string.Join(" or ", accepted)} on {string.Join(", ", wrong.Select(w => $"GPU {gpu.Gpus[w.Index].Index} ({w.Value})"))}"),
                wrong.Select(w => EvidencePointer.To(["gpu", "gpus", w.Index, .. property.TrimStart('/').Split('/')])));
    }
}
