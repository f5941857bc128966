using System.Globalization;
using System.Text.Json;
using WeightGuard.Core.Protocol;
using WeightGuard.Tpm;
using WeightGuard.Tpm.EventLog;
using WeightGuard.Tpm.Verification;

namespace WeightGuard.Evidence;

/// <summary>What checking one report's quote (and event log) found.</summary>
/// <param name="QuoteProblems">Defects of the quote: encoding, signature, nonce and evidence binding, PCR digest. Empty when it verified.</param>
/// <param name="EventLogProblems">Defects of the event log: parsing, or quoted PCRs it does not explain. Empty when it replayed (or was absent).</param>
/// <param name="EventLogReplayed">True when an event log was given and it explains every quoted PCR.</param>
/// <param name="Malformed">True when the quote's fields (hex, base64, PCR names, signature) or the event log could not
/// even be decoded, as opposed to decoding and then failing verification.</param>
/// <param name="LogSecureBoot">Secure Boot as the parsed event log records it, from digest-verified events only; null
/// when there was no log or it could not be parsed. Trust it only through <see cref="SecureBoot"/>.</param>
public sealed record AttestationCheck(IReadOnlyList<string> QuoteProblems, IReadOnlyList<string> EventLogProblems, bool EventLogReplayed,
    bool Malformed = false, SecureBootLog? LogSecureBoot = null)
{
    /// <summary>True when the quote verified.</summary>
    public bool QuoteVerified => QuoteProblems.Count == 0;

    /// <summary>
    /// The Secure Boot state the TPM attests: the SecureBoot variable of the log's digest-verified PCR 7 events, when the
    /// quote verified and the log replays to the quoted PCRs (PCR 7 among them). Null when that is not proven: the
    /// agent's own word (<c>boot.secureBoot</c>) is then all there is.
    /// </summary>
    public bool? SecureBoot => QuoteVerified && EventLogReplayed ? LogSecureBoot?.Enabled : null;
}

/// <summary>
/// Checks a report's <see cref="QuoteAttestation"/> without a TPM: the quote is signed by the host's attestation key, covers
/// <see cref="AgentProtocol.QuotePcrs"/> with the reported PCR values, and carries
/// <see cref="EvidenceBinding.QualifyingData"/>(nonce, digest of this report's evidence); the event log, when present,
/// replays to the quoted PCR values. The aggregator at ingest and the offline bundle verifier both use this.
/// </summary>
public static class ReportAttestation
{
    private static readonly IReadOnlyList<TpmsPcrSelection> Selection = PcrSelection.Parse(AgentProtocol.QuotePcrs);

    /// <summary>Checks one report's attestation. Never throws on bad input.</summary>
    /// <param name="report">The report JSON as submitted.</param>
    /// <param name="attestation">The quote and PCR values (its <see cref="QuoteAttestation.EventLog"/> is ignored: pass the bytes as <paramref name="eventLog"/>).</param>
    /// <param name="eventLog">The TCG event log, or null when the host sent none.</param>
    /// <param name="attestationKey">The host's enrolled attestation key.</param>
    public static AttestationCheck Verify(JsonElement report, QuoteAttestation attestation, byte[]? eventLog, TpmtPublic attestationKey)
    {
        var quoteProblems = new List<string>();
        var pcrs = ReadPcrs(attestation.Pcrs, quoteProblems);
        var nonce = Hex(attestation.Nonce, "nonce", quoteProblems);
        if (nonce is not null && nonce.Length != EvidenceBinding.NonceLength)
            quoteProblems.Add($"nonce is {nonce.Length} bytes, not {EvidenceBinding.NonceLength}");
        byte[]? evidenceDigest = null;
        try { evidenceDigest = EvidenceBinding.EvidenceDigest(report); }
        catch (FormatException e) { quoteProblems.Add($"the report's evidence cannot be digested: {e.Message}"); }
        var quoted = Base64(attestation.Quoted, "quoted", quoteProblems);
        TpmtSignature? signature = null;
        if (Base64(attestation.Signature, "signature", quoteProblems) is { } signatureBytes)
        {
            try { signature = TpmtSignature.Parse(signatureBytes); }
            catch (TpmFormatException e) { quoteProblems.Add($"signature is not a TPMT_SIGNATURE: {e.Message}"); }
        }
        var malformed = quoteProblems.Count > 0;
        if (!malformed)
        {
            var expected = EvidenceBinding.QualifyingData(nonce!, evidenceDigest!);
            var verification = QuoteVerifier.Verify(quoted!, signature!, attestationKey, expected, Selection, pcrs);
            quoteProblems.AddRange(verification.Problems.Select(p => p.StartsWith("extraData", StringComparison.Ordinal)
                ? $"the quote is not bound to this report's evidence and nonce ({p})" : p));
        }

        if (eventLog is null) return new AttestationCheck(quoteProblems, [], false, malformed);
        TcgEventLog log;
        try { log = TcgEventLogParser.Parse(eventLog); }
        catch (EventLogFormatException e) { return new AttestationCheck(quoteProblems, [$"not a TCG event log: {e.Message}"], false, Malformed: true); }
        var logProblems = Replay(PcrReplay.Replay(log), pcrs);
        return new AttestationCheck(quoteProblems, logProblems, logProblems.Count == 0, malformed, SecureBootLog.From(log));
    }

    /// <summary>
    /// Every quoted PCR must equal the log's replay of it, or still hold its reset value when no event extends it. Only
    /// quoted PCRs count: other reported values are not signed, so they prove nothing either way.
    /// </summary>
    private static List<string> Replay(PcrBanks replayed, PcrBanks reported)
    {
        var quoted = new PcrBanks();
        var problems = new List<string>();
        foreach (var bank in Selection)
            foreach (var pcr in bank.Pcrs)
            {
                if (replayed.Get(bank.Hash, pcr) is { } value) quoted.Set(bank.Hash, pcr, value);
                else if (reported.Get(bank.Hash, pcr) is { } held && held.Any(b => b != 0))
                    problems.Add($"{TpmHash.Describe(bank.Hash)}:{pcr} is {Convert.ToHexStringLower(held)}, but no event of the log extends it");
            }
        problems.InsertRange(0, PcrReplay.Differences(quoted, reported));
        return problems;
    }

    private static PcrBanks ReadPcrs(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> banks, List<string> problems)
    {
        var values = new PcrBanks();
        foreach (var (bankName, bank) in banks)
        {
            if (TpmHash.FromName(bankName) is not { } alg) { problems.Add($"pcrs: '{bankName}' is not a PCR bank"); continue; }
            // JSON null can reach non-nullable members of hostile input.
            if (bank is null) { problems.Add($"pcrs {bankName} is null"); continue; }
            foreach (var (index, hex) in bank)
            {
                if (hex is null) problems.Add($"pcrs {bankName}:{index} is null");
                else if (!int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var pcr) || pcr > 23)
                    problems.Add($"pcrs: '{index}' is not a PCR index");
                else if (Hex(hex, $"pcrs {bankName}:{pcr}", problems) is { } value)
                {
                    if (value.Length == TpmHash.DigestSize(alg)) values.Set(alg, pcr, value);
                    else problems.Add($"pcrs {bankName}:{pcr} is {value.Length} bytes, not {TpmHash.DigestSize(alg)}");
                }
            }
        }
        return values;
    }

    private static byte[]? Hex(string text, string field, List<string> problems)
    {
        try { return Convert.FromHexString(text); }
        catch (FormatException) { problems.Add($"{field} is not hex"); return null; }
    }

    private static byte[]? Base64(string text, string field, List<string> problems)
    {
        try { return Convert.FromBase64String(text); }
        catch (FormatException) { problems.Add($"{field} is not base64"); return null; }
    }
}
