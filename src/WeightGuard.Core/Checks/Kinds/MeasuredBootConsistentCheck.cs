namespace WeightGuard.Core.Checks.Kinds;

/// <summary>
/// The firmware event log replays to exactly the TPM's PCR values, so the boot it records is the boot that happened,
/// and (when the log measured it) Secure Boot was on.
/// </summary>
public sealed class MeasuredBootConsistentCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "measured-boot-consistent";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } = [];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Tpm, "tpm", out var tpm) is { } missing) return missing;
        var at = EvidencePointer.To("tpm", "eventLog");
        if (tpm.EventLog is not { } log) return CheckOutcome.Fail("no TCG firmware event log was found", EvidencePointer.To("tpm"));
        if (log.Error is not null) return CheckOutcome.Error($"the event log {log.Path} could not be read: {log.Error}", at);
        if (!tpm.Present) return CheckOutcome.Fail("there is no TPM to compare the event log with", EvidencePointer.To("tpm"));
        if (log.MatchesPcrs is null) return CheckOutcome.Error("the event log was not compared with the TPM's PCRs", at);
        if (log.MatchesPcrs == false)
            return CheckOutcome.Fail($"the event log does not explain the TPM's PCRs: {string.Join("; ", log.Mismatches)}", at);
        if (log.SecureBoot == false) return CheckOutcome.Fail("the event log records that Secure Boot was off for this boot", at);
        return CheckOutcome.Pass($"the {log.Events} events of the firmware log replay to the TPM's PCRs" +
            (log.SecureBoot == true ? "; Secure Boot was on" : ""), at);
    }
}
