using WeightGuard.Core.Catalog;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>
/// NVIDIA confidential computing is on, in the production environment, with DevTools off, and the GPUs are marked ready
/// (which a verifier does after attesting them). Hosts without an NVIDIA GPU are not applicable; GPUs that cannot do CC
/// are not applicable unless <c>require-capable</c> is set ("confidential computing where available").
/// </summary>
public sealed class GpuConfidentialComputingCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "gpu-confidential-computing";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } =
    [
        new("require-capable", ParamType.Boolean, ParamValue.Of("false"), "Fail, rather than not apply, where the GPUs cannot do confidential computing."),
    ];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Gpu, "gpu", out var gpu) is { } missing) return missing;
        if (!gpu.Present) return CheckOutcome.NotApplicable("no NVIDIA GPU on this host", EvidencePointer.To("gpu", "present"));
        var at = EvidencePointer.To("gpu", "confidentialComputing");
        if (gpu.ConfidentialComputing is not { } cc)
        {
            var why = gpu.Errors.FirstOrDefault(e => e.Path.StartsWith("nvidia-smi", StringComparison.Ordinal));
            return CheckOutcome.Error($"confidential-computing state could not be read{(why is null ? "" : $": {why.Path}: {why.Reason}")}", EvidencePointer.To("gpu", "errors"));
        }
        if (!cc.Capable)
            return context.Boolean("require-capable")
                ? CheckOutcome.Fail("no GPU on this host can do confidential computing", at)
                : CheckOutcome.NotApplicable("no GPU on this host can do confidential computing", at);
        var problems = new List<string>();
        if (!string.Equals(cc.Status, "ON", StringComparison.OrdinalIgnoreCase)) problems.Add($"confidential computing is {cc.Status} (CC status), so weights in GPU memory are readable from the host");
        if (!string.Equals(cc.Environment, "PRODUCTION", StringComparison.OrdinalIgnoreCase)) problems.Add($"environment is {cc.Environment}");
        if (!string.Equals(cc.DevToolsMode, "OFF", StringComparison.OrdinalIgnoreCase)) problems.Add($"DevTools mode is {cc.DevToolsMode} (debuggable)");
        if (!string.Equals(cc.ReadyState, "ready", StringComparison.OrdinalIgnoreCase)) problems.Add($"GPUs are {cc.ReadyState} (not attested and released)");
        return problems.Count == 0
            ? CheckOutcome.Pass("confidential computing is on in production mode, DevTools off, GPUs ready", at)
            : CheckOutcome.Fail(string.Join("; ", problems), at);
    }
}
