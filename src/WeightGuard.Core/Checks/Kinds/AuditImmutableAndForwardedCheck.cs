namespace WeightGuard.Core.Checks.Kinds;

/// <summary>
/// The audit rules end with <c>-e 2</c> (locked until reboot, so an intruder with root cannot switch auditing off
/// quietly) and a forwarder that is configured and running ships logs to another host before they can be erased.
/// </summary>
public sealed class AuditImmutableAndForwardedCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "audit-immutable-and-forwarded";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } = [];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Logging, "logging", out var logging) is { } missing) return missing;
        var problems = new List<string>();
        var pointers = new List<string>();
        if (logging.AuditdRunning == false)
        {
            problems.Add("auditd is not running");
            pointers.Add(EvidencePointer.To("logging", "auditdRunning"));
        }
        if (logging.EnabledFlag != 2)
        {
            problems.Add((logging.EnabledFlag is { } flag ? $"audit rules are not locked (last -e is {flag}, not 2)" : "audit rules are not locked (no -e 2)")
                + ", so root can switch auditing off without a reboot");
            pointers.Add(EvidencePointer.To("logging", "enabledFlag"));
        }
        var shipping = logging.Forwarders.Where(f => f.Configured && f.Running != false).ToList();
        if (shipping.Count == 0)
        {
            var idle = logging.Forwarders.Where(f => f.Configured).Select(f => f.Name).ToList();
            problems.Add((idle.Count > 0 ? $"log forwarding is configured but not running ({string.Join(", ", idle)})" : "no log forwarder sends logs off the host")
                + ", so an intruder with root can erase the record");
            pointers.Add(EvidencePointer.To("logging", "forwarders"));
        }
        return problems.Count == 0
            ? CheckOutcome.Pass($"audit rules locked (-e 2); logs shipped by {string.Join(", ", shipping.Select(f => f.Name))}", EvidencePointer.To("logging", "enabledFlag"), EvidencePointer.To("logging", "forwarders"))
            : CheckOutcome.Fail(string.Join("; ", problems), pointers);
    }
}
