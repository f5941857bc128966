using System.Text.Json.Serialization;

namespace WeightGuard.Core.Evidence;

/// <summary>
/// Endpoint detection and response agents on the host: each known EDR/XDR product found installed (its service unit
/// or program present), whether its unit starts at boot and whether its process runs; plus host telemetry tools found
/// that are not EDR (osquery), so a report can say why they do not count.
/// </summary>
public sealed record EndpointDetectionEvidence
{
    /// <summary>Known EDR/XDR agents found, by product.</summary>
    public IReadOnlyList<EndpointAgent> Agents { get; init; } = [];
    /// <summary>Telemetry tools found that do not detect or respond (e.g. <c>osquery</c>).</summary>
    public IReadOnlyList<string> NotEdr { get; init; } = [];
    /// <summary>Whether the process table was readable; false for an offline tree, where only boot enablement is known.</summary>
    public bool ProcessesRead { get; init; }
}

/// <summary>One EDR/XDR agent found on the host.</summary>
/// <param name="Product">The product (<c>CrowdStrike Falcon</c>).</param>
/// <param name="Unit">Its systemd unit (<c>falcon-sensor.service</c>).</param>
/// <param name="Enabled">The unit is linked into a target's <c>.wants</c> directory, so it starts at boot.</param>
/// <param name="Running">One of its processes runs; null when the process table could not be read.</param>
public sealed record EndpointAgent(string Product, string Unit, bool Enabled, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] bool? Running);
