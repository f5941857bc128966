using WeightGuard.Core.Catalog;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>
/// A known EDR/XDR agent guards the host: its unit starts at boot and its sensor runs (where the process table was
/// read; an offline tree shows only enablement). Host telemetry such as osquery does not count: it neither detects nor
/// responds.
/// </summary>
public sealed class EndpointDetectionRunningCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "endpoint-detection-running";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } =
    [
        new("products", ParamType.StringList, ParamValue.Of(Array.Empty<string>()), "The EDR products accepted, by name; empty: any known product."),
    ];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.EndpointDetection, "endpointDetection", out var edr) is { } missing) return missing;
        var products = context.List("products");
        var accepted = edr.Agents.Where(a => products.Count == 0 || products.Contains(a.Product)).ToList();
        var guarding = accepted.FirstOrDefault(a => a.Enabled && a.Running != false);
        if (guarding is not null)
            return CheckOutcome.Pass($"{guarding.Product} ({guarding.Unit}) is enabled{(guarding.Running == true ? " and running" : "; processes not read on this tree")}",
                EvidencePointer.To("endpointDetection", "agents", edr.Agents.ToList().IndexOf(guarding)));
        var found = accepted.Select(a => $"{a.Product} {(a.Enabled ? "enabled" : "not enabled")}{(a.Running == false ? ", not running" : a.Running == true ? ", running" : "")}").ToList();
        var notEdr = edr.NotEdr.Count > 0 ? $" ({string.Join(", ", edr.NotEdr)} found: host telemetry, not EDR)" : "";
        return CheckOutcome.Fail(found.Count == 0
            ? $"no known EDR/XDR agent is installed{notEdr}"
            : $"no EDR agent both starts at boot and runs: {string.Join("; ", found)}{notEdr}", EvidencePointer.To("endpointDetection"));
    }
}
