using WeightGuard.Aggregator.Alerts;

namespace WeightGuard.Aggregator.Tests.Alerts;

/// <summary>Alert events for tests that need one without an aggregator.</summary>
internal static class Alerts
{
    public static AlertEvent Event(string host = "gpu-train-01", IReadOnlyList<string>? reasons = null, AlertSeverity severity = AlertSeverity.Error,
        string instance = "agg-test", string agentId = "3f2b6a52-9a0c-4d7e-8c1e-0d6c2f0e9b11", IReadOnlyList<ProfileStateChange>? profiles = null) => new(
        Guid.NewGuid(), AlertTypes.StateChanged, severity, new DateTimeOffset(2026, 12, 3, 18, 0, 0, 123, TimeSpan.Zero).AddTicks(4560),
        new AlertHost(host, agentId, []), new StateChange("compliant", "failing"), profiles ?? [new ProfileStateChange("rand-sl3", "compliant", "failing")],
        reasons ?? ["WG-INV-002 failed (high, rand-sl3)"], new AlertSource(instance, "0.1.0"));
}
