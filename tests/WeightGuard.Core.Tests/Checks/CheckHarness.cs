using System.Text.Json;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Checks;
using WeightGuard.Core.Evidence;
using WeightGuard.Core.Reports;

namespace WeightGuard.Core.Tests.Checks;

/// <summary>Runs a check kind on hand-built evidence with its declared defaults and optional overrides.</summary>
internal static class CheckHarness
{
    public static Evidence.Evidence Host() => new()
    {
        Host = new HostIdentity { Hostname = "gpu-1", Os = "Debian GNU/Linux 12", Kernel = "6.1.0", Arch = "x64", Platform = "linux" },
    };

    public static WeightInventory Weights(params string[] paths) => new()
    {
        Roots = [new WeightRoot("/models", "scanned", null)],
        Files = paths.Select(p => new WeightFile { Path = p, Format = "safetensors", Size = 10 }).ToList(),
        Mismatched = [], Errors = [], EntriesVisited = paths.Length, Truncated = false,
    };

    public static CheckOutcome Run(ICheck check, Evidence.Evidence evidence, params (string Name, ParamValue Value)[] overrides)
    {
        var parameters = check.Parameters.ToDictionary(p => p.Name, p => p.Default, StringComparer.Ordinal);
        foreach (var (name, value) in overrides) parameters[name] = value;
        if (check is IValidatesParameters v) Assert.That(v.Validate(parameters), Is.Empty);
        var json = new Lazy<JsonElement>(() => JsonSerializer.SerializeToElement(evidence, WeightGuardJsonContext.Default.Evidence));
        return check.Evaluate(new CheckContext(evidence, parameters, json));
    }

    /// <summary>Every pointer a check returns must resolve in the serialised evidence.</summary>
    public static void AssertPointersResolve(Evidence.Evidence evidence, CheckOutcome outcome)
    {
        var json = JsonSerializer.SerializeToElement(evidence, WeightGuardJsonContext.Default.Evidence);
        foreach (var pointer in outcome.Evidence)
            Assert.That(Core.Checks.Kinds.EvidenceFactCheck.Resolve(json, pointer["/evidence".Length..]), Is.Not.Null, pointer);
    }
}
