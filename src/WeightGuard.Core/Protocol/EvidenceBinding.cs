using System.Security.Cryptography;
using System.Text.Json;

namespace WeightGuard.Core.Protocol;

/// <summary>
/// Binds a report's evidence to a TPM quote: the quote's qualifying data (TPMS_ATTEST.extraData) is
/// <c>SHA-256(nonce || SHA-256(JCS(report.evidence)))</c>, so the aggregator's fresh nonce and the exact evidence are
/// both signed by the attestation key. Agent, aggregator and the offline bundle verifier all call this one function.
/// </summary>
public static class EvidenceBinding
{
    /// <summary>Length of a nonce the aggregator hands out.</summary>
    public const int NonceLength = 32;

    /// <summary>SHA-256 of the canonical (RFC 8785) form of the <c>evidence</c> member of a report.</summary>
    /// <param name="report">A <c>weightguard.report/v1</c> document.</param>
    /// <exception cref="FormatException">The report has no evidence object, or the evidence cannot be canonicalised.</exception>
    public static byte[] EvidenceDigest(JsonElement report)
    {
        if (report.ValueKind != JsonValueKind.Object || !report.TryGetProperty("evidence", out var evidence) || evidence.ValueKind != JsonValueKind.Object)
            throw new FormatException("the report has no evidence object");
        return SHA256.HashData(CanonicalJson.Canonicalize(evidence));
    }

    /// <summary>The qualifying data the quote must carry for this nonce and evidence digest.</summary>
    public static byte[] QualifyingData(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> evidenceDigest)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(nonce);
        hash.AppendData(evidenceDigest);
        return hash.GetHashAndReset();
    }
}
