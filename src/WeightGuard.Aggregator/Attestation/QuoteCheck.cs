using System.Globalization;
using System.Text.Json;
using WeightGuard.Aggregator.Problems;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Protocol;
using WeightGuard.Tpm;
using WeightGuard.Tpm.EventLog;
using WeightGuard.Tpm.Verification;

namespace WeightGuard.Aggregator.Attestation;

/// <summary>
/// Verifies a report's attestation for the agent that sent it: the nonce (fresh, unused, this agent's), the quote's
/// signature under the AK enrolled for this agent, its qualifying data <c>SHA-256(nonce || SHA-256(JCS(evidence)))</c>
/// over the evidence as received, the PCR selection and digest, and the event log's replay against the quoted PCRs.
/// </summary>
public sealed class QuoteCheck(IAggregatorStore store, TimeProvider time)
{
    /// <summary>Attestation state of a report whose quote verified.</summary>
    public const string Verified = "verified";
    /// <summary>Attestation state of a report from an agent enrolled without a TPM.</summary>
    public const string Absent = "absent";

    private const int MaxQuoteBytes = 4096;
    private static readonly IReadOnlyList<TpmsPcrSelection> Selection = PcrSelection.Parse(AgentProtocol.QuotePcrs);

    /// <summary>Checks the attestation; returns <see cref="Verified"/> or <see cref="Absent"/>, or throws a 4xx problem naming the first defect.</summary>
    /// <param name="agent">The enrolled agent that sent the report.</param>
    /// <param name="attestation">The submission's attestation, if any.</param>
    /// <param name="report">The report exactly as received.</param>
    /// <param name="cancel">Cancels the store calls.</param>
    public async Task<string> VerifyAsync(AgentRecord agent, QuoteAttestation? attestation, JsonElement report, CancellationToken cancel)
    {
        if (agent.AkPublic is null)
            return attestation is null ? Absent
                : throw ProblemException.BadRequest("this agent enrolled without a TPM, so it has no attestation key to quote with");
        if (attestation is null) throw ProblemException.BadRequest("this agent enrolled with a TPM: its reports must carry an attestation");

        var nonce = Base64Field.DecodeHex(attestation.Nonce, "attestation.nonce", EvidenceBinding.NonceLength);
        var quoted = Base64Field.Decode(attestation.Quoted, "attestation.quoted", MaxQuoteBytes);
        var signature = ParseSignature(Base64Field.Decode(attestation.Signature, "attestation.signature", MaxQuoteBytes));
        var pcrs = ParsePcrs(attestation.Pcrs);
        byte[] evidenceDigest;
        try { evidenceDigest = EvidenceBinding.EvidenceDigest(report); }
        catch (FormatException e) { throw ProblemException.BadRequest($"report.evidence: {e.Message}"); }

        switch (await store.ConsumeNonceAsync(Convert.ToHexStringLower(nonce), agent.AgentId, time.GetUtcNow(), cancel))
        {
            case NonceCheck.Accepted: break;
            case NonceCheck.Unknown: throw ProblemException.Forbidden("attestation.nonce was not issued by this aggregator");
            case NonceCheck.OtherAgent: throw ProblemException.Forbidden("attestation.nonce was issued to another agent");
            case NonceCheck.AlreadyUsed: throw ProblemException.Forbidden("attestation.nonce was already used (a replayed report)");
            case NonceCheck.Expired: throw ProblemException.Forbidden($"attestation.nonce expired (nonces live {AgentProtocol.NonceLifetime.TotalMinutes:0} minutes)");
        }

        var ak = TpmtPublic.Parse(agent.AkPublic);
        var verification = QuoteVerifier.Verify(quoted, signature, ak, EvidenceBinding.QualifyingData(nonce, evidenceDigest), Selection, pcrs);
        if (!verification.Verified)
            throw ProblemException.Forbidden($"the quote does not verify: {verification.Problems[0]}" +
                (verification.Problems[0].StartsWith("extraData", StringComparison.Ordinal) ? " (the evidence or nonce differs from what was quoted)" : ""));

        if (attestation.EventLog is { } eventLog)
        {
            var log = Base64Field.Decode(eventLog, "attestation.eventLog", TcgEventLogParser.MaxLogSize);
            PcrBanks replayed;
            try { replayed = PcrReplay.Replay(TcgEventLogParser.Parse(log)); }
            catch (EventLogFormatException e) { throw ProblemException.BadRequest($"attestation.eventLog: {e.Message}"); }
            var quotedOnly = new PcrBanks();
            foreach (var bank in Selection)
                foreach (var pcr in bank.Pcrs)
                    if (replayed.Get(bank.Hash, pcr) is { } value) quotedOnly.Set(bank.Hash, pcr, value);
            var differences = PcrReplay.Differences(quotedOnly, pcrs);
            if (differences.Count > 0) throw ProblemException.Forbidden($"the event log does not replay to the quoted PCRs: {differences[0]}");
        }
        return Verified;
    }

    private static TpmtSignature ParseSignature(byte[] bytes)
    {
        try { return TpmtSignature.Parse(bytes); }
        catch (TpmFormatException e) { throw ProblemException.BadRequest($"attestation.signature: {e.Message}"); }
    }

    /// <summary>The reported PCR values: bank name → index → hex digest of the bank's size.</summary>
    private static PcrBanks ParsePcrs(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> reported)
    {
        var banks = new PcrBanks();
        if (reported.Count > 8) throw ProblemException.BadRequest("attestation.pcrs has too many banks");
        foreach (var (name, values) in reported)
        {
            var alg = TpmHash.FromName(name) ?? throw ProblemException.BadRequest($"attestation.pcrs: '{name}' is not a PCR bank");
            if (values is null) throw ProblemException.BadRequest($"attestation.pcrs.{name} is null");
            if (values.Count > 24) throw ProblemException.BadRequest($"attestation.pcrs.{name} has more than 24 PCRs");
            foreach (var (index, hex) in values)
            {
                if (hex is null) throw ProblemException.BadRequest($"attestation.pcrs.{name}.{index} is null");
                if (!int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var pcr) || pcr > 23)
                    throw ProblemException.BadRequest($"attestation.pcrs.{name}: '{index}' is not a PCR index");
                banks.Set(alg, pcr, Base64Field.DecodeHex(hex, $"attestation.pcrs.{name}.{index}", TpmHash.DigestSize(alg)));
            }
        }
        return banks;
    }
}
