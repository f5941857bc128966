using System.Text.Json;
using WeightGuard.Core.Protocol;
using WeightGuard.Core.Reports;
using WeightGuard.Tpm;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Evidence;

/// <summary>
/// Replaces the agent's word on Secure Boot with what the TPM attests, before a report is judged: the aggregator at ingest
/// and the offline verifier's verdict replay must both apply it, so that they judge the same evidence.
/// </summary>
public static class AttestedBoot
{
    /// <summary>
    /// The evidence with <c>boot</c> and <c>tpm.eventLog.secureBoot</c> taken from <paramref name="check"/> when it attests
    /// Secure Boot (<see cref="AttestationCheck.SecureBoot"/> not null): firmware <c>uefi</c> (the log measured UEFI
    /// variables), SecureBoot from the verified event, setup mode from the verified PK event (empty PK = setup mode) when the
    /// log has one. Otherwise the evidence is returned unchanged.
    /// </summary>
    public static Core.Evidence.Evidence Apply(Core.Evidence.Evidence evidence, AttestationCheck check)
    {
        if (check.SecureBoot is not { } attested) return evidence;
        var setupMode = check.LogSecureBoot!.Variables.LastOrDefault(v => v.Name == "PK") is { } pk ? pk.Length == 0 : evidence.Boot?.SetupMode;
        return evidence with
        {
            Boot = new BootEvidence { Firmware = "uefi", SecureBoot = attested, SetupMode = setupMode },
            Tpm = evidence.Tpm is { EventLog: { } log } tpm ? tpm with { EventLog = log with { SecureBoot = attested } } : evidence.Tpm,
        };
    }

    /// <summary>
    /// <paramref name="report"/> as it is judged: its evidence with the Secure Boot state its stored quote and event log
    /// attest under <paramref name="attestationKey"/> (<see cref="Apply"/>); unchanged without a quote.
    /// </summary>
    /// <param name="report">The report, parsed.</param>
    /// <param name="reportJson">The report exactly as submitted (the quote covers its evidence).</param>
    /// <param name="attestation">The quote submitted with it, event log included, or null.</param>
    /// <param name="attestationKey">The host's enrolled AK (TPMT_PUBLIC), or null.</param>
    public static Report Judged(Report report, string reportJson, QuoteAttestation? attestation, byte[]? attestationKey)
    {
        if (attestation is null || attestationKey is null) return report;
        using var document = JsonDocument.Parse(reportJson);
        byte[]? log;
        try { log = attestation.EventLog is { } text ? Convert.FromBase64String(text) : null; }
        catch (FormatException) { return report; }
        var check = ReportAttestation.Verify(document.RootElement, attestation, log, TpmtPublic.Parse(attestationKey));
        return report with { Evidence = Apply(report.Evidence, check) };
    }
}
