using System.Text.Json;
using WeightGuard.Aggregator.Problems;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Protocol;
using WeightGuard.Evidence;
using WeightGuard.Tpm;
using WeightGuard.Tpm.EventLog;

namespace WeightGuard.Aggregator.Attestation;

/// <summary>
/// Verifies a report's attestation for the agent that sent it: the nonce (fresh, unused, this agent's), the quote's
/// signature under the AK enrolled for this agent, its qualifying data <c>SHA-256(nonce || SHA-256(JCS(evidence)))</c>
/// over the evidence as received, the PCR selection and digest, and the event log's replay against the quoted PCRs —
/// the same <see cref="ReportAttestation"/> check an auditor's offline verifier runs over an exported bundle.
/// </summary>
/// <param name="store">Where nonces are spent.</param>
/// <param name="time">The clock nonces expire by.</param>
/// <param name="requirements">Whether reports without a verified quote are refused, also from agents enrolled without a TPM.</param>
public sealed class QuoteCheck(IAggregatorStore store, TimeProvider time, AttestationRequirements requirements)
{
    /// <summary>Attestation state of a report whose quote verified.</summary>
    public const string Verified = "verified";
    /// <summary>Attestation state of a report from an agent enrolled without a TPM.</summary>
    public const string Absent = "absent";

    /// <summary>
    /// Checks the attestation; returns <see cref="Verified"/> with the check (whose attested Secure Boot state the
    /// judgement uses) or <see cref="Absent"/>, or throws an
    /// <see cref="AttestationRefusedException"/> carrying the 4xx problem that names the first defect.
    /// </summary>
    /// <param name="agent">The enrolled agent that sent the report.</param>
    /// <param name="attestation">The submission's attestation, if any.</param>
    /// <param name="report">The report exactly as received.</param>
    /// <param name="cancel">Cancels the store calls.</param>
    public async Task<(string State, AttestationCheck? Check)> VerifyAsync(AgentRecord agent, QuoteAttestation? attestation, JsonElement report,
        CancellationToken cancel)
    {
        if (agent.AkPublic is null && (await requirements.CurrentAsync(cancel)).Quote)
            throw ProblemException.Forbidden($"this aggregator accepts only attested reports, and agent {agent.AgentId} enrolled without a TPM: enrol it again with a TPM");
        if (agent.AkPublic is null)
            return attestation is null ? (Absent, null)
                : throw Refused("attestation", ProblemException.BadRequest("this agent enrolled without a TPM, so it has no attestation key to quote with"));
        if (attestation is null) throw Refused("attestation", ProblemException.BadRequest("this agent enrolled with a TPM: its reports must carry an attestation"));

        byte[] nonce;
        byte[]? eventLog;
        try
        {
            nonce = Base64Field.DecodeHex(attestation.Nonce, "attestation.nonce", EvidenceBinding.NonceLength);
            eventLog = attestation.EventLog is { } log ? Base64Field.Decode(log, "attestation.eventLog", TcgEventLogParser.MaxLogSize) : null;
        }
        catch (ProblemException e) { throw Refused("attestation", e); }

        switch (await store.ConsumeNonceAsync(Convert.ToHexStringLower(nonce), agent.AgentId, time.GetUtcNow(), cancel))
        {
            case NonceCheck.Accepted: break;
            case NonceCheck.Unknown: throw Refused("nonce", ProblemException.Forbidden("attestation.nonce was not issued by this aggregator"));
            case NonceCheck.OtherAgent: throw Refused("nonce", ProblemException.Forbidden("attestation.nonce was issued to another agent"));
            case NonceCheck.AlreadyUsed: throw Refused("nonce", ProblemException.Forbidden("attestation.nonce was already used (a replayed report)"));
            case NonceCheck.Expired: throw Refused("nonce", ProblemException.Forbidden($"attestation.nonce expired (nonces live {AgentProtocol.NonceLifetime.TotalMinutes:0} minutes)"));
        }

        var check = ReportAttestation.Verify(report, attestation, eventLog, TpmtPublic.Parse(agent.AkPublic));
        if (check.QuoteProblems.Count > 0)
            throw Refused("quote", check.Malformed ? ProblemException.BadRequest($"attestation: {check.QuoteProblems[0]}")
                : ProblemException.Forbidden($"the quote does not verify: {check.QuoteProblems[0]}"));
        if (check.EventLogProblems.Count > 0)
            throw Refused("event-log", check.Malformed ? ProblemException.BadRequest($"attestation.eventLog: {check.EventLogProblems[0]}")
                : ProblemException.Forbidden($"the event log does not replay to the quoted PCRs: {check.EventLogProblems[0]}"));
        return (Verified, check);
    }

    private static AttestationRefusedException Refused(string check, ProblemException problem) => new(check, problem);
}
