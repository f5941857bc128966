using System.Security.Cryptography;

namespace WeightGuard.Tpm.Verification;

/// <summary>The outcome of verifying a quote: the parsed attestation (when it parsed) and every problem found.</summary>
/// <param name="Attest">The parsed TPMS_ATTEST, or null when the bytes are not a quote.</param>
/// <param name="Problems">What is wrong, one line each; empty when the quote verified.</param>
public sealed record QuoteVerification(TpmsAttest? Attest, IReadOnlyList<string> Problems)
{
    /// <summary>True when the quote parsed and every check passed.</summary>
    public bool Verified => Attest is not null && Problems.Count == 0;
}

/// <summary>
/// Verifies a TPM2_Quote without a TPM: TPMS_ATTEST magic and type, the nonce in extraData, the PCR selection, the PCR
/// digest against the reported PCR values, the signature under the attestation key and, optionally, the signer's name.
/// </summary>
public static class QuoteVerifier
{
    /// <summary>Checks a quote. Never throws on bad input: every defect becomes a problem in the result.</summary>
    /// <param name="attest">The signed TPMS_ATTEST bytes.</param>
    /// <param name="signature">The TPM's signature over them.</param>
    /// <param name="akPublic">The attestation key that must have signed.</param>
    /// <param name="expectedNonce">The qualifying data the verifier chose.</param>
    /// <param name="expectedSelection">The PCRs the verifier asked for.</param>
    /// <param name="pcrValues">The PCR values reported with the quote (or replayed from an event log).</param>
    /// <param name="expectedSigner">The AK's qualified Name, when known (TPM2_ReadPublic); null skips that check.</param>
    public static QuoteVerification Verify(byte[] attest, TpmtSignature signature, TpmtPublic akPublic, byte[] expectedNonce,
        IReadOnlyList<TpmsPcrSelection> expectedSelection, PcrBanks pcrValues, byte[]? expectedSigner = null)
    {
        var problems = new List<string>();
        if (!SignatureVerifies(attest, signature, akPublic, out var signatureProblem)) problems.Add(signatureProblem);

        TpmsAttest parsed;
        try { parsed = TpmsAttest.Parse(attest); }
        catch (TpmFormatException e)
        {
            problems.Add("attestation: " + e.Message);
            return new QuoteVerification(null, problems);
        }

        if (!CryptographicOperations.FixedTimeEquals(parsed.ExtraData, expectedNonce))
            problems.Add($"extraData {Convert.ToHexStringLower(parsed.ExtraData)} is not the nonce {Convert.ToHexStringLower(expectedNonce)}");
        if (parsed.PcrSelect.Count != expectedSelection.Count || !parsed.PcrSelect.Zip(expectedSelection).All(p => p.First.SameAs(p.Second)))
            problems.Add($"quote covers {PcrSelection.Format(parsed.PcrSelect)}, not the requested {PcrSelection.Format(expectedSelection)}");
        else if (!TpmHash.IsSupported(signature.Hash))
            problems.Add($"PCR digest hash {TpmHash.Describe(signature.Hash)} is not supported");
        else
        {
            try
            {
                var digest = pcrValues.CompositeDigest(signature.Hash, parsed.PcrSelect);
                if (!digest.AsSpan().SequenceEqual(parsed.PcrDigest))
                    problems.Add($"pcrDigest {Convert.ToHexStringLower(parsed.PcrDigest)} does not match the reported PCR values (digest {Convert.ToHexStringLower(digest)})");
            }
            catch (KeyNotFoundException e) { problems.Add(e.Message); }
        }
        if (expectedSigner is not null && !parsed.QualifiedSigner.AsSpan().SequenceEqual(expectedSigner))
            problems.Add($"qualifiedSigner {Convert.ToHexStringLower(parsed.QualifiedSigner)} is not the attestation key {Convert.ToHexStringLower(expectedSigner)}");
        return new QuoteVerification(parsed, problems);
    }

    /// <summary>Checks <paramref name="signature"/> over <paramref name="data"/> under <paramref name="key"/> (RSASSA, RSAPSS, ECDSA).</summary>
    public static bool SignatureVerifies(byte[] data, TpmtSignature signature, TpmtPublic key, out string problem)
    {
        problem = "";
        if (!TpmHash.IsSupported(signature.Hash))
        {
            problem = $"signature hash {TpmHash.Describe(signature.Hash)} is not supported";
            return false;
        }
        var hash = TpmHash.HashName(signature.Hash);
        try
        {
            bool ok;
            switch (signature.SigAlg, key.Type)
            {
                case (TpmAlgId.RsaSsa or TpmAlgId.RsaPss, TpmAlgId.Rsa):
                    using (var rsa = key.ToRsa())
                        ok = rsa.VerifyData(data, signature.Signature, hash,
                            signature.SigAlg == TpmAlgId.RsaSsa ? RSASignaturePadding.Pkcs1 : RSASignaturePadding.Pss);
                    break;
                case (TpmAlgId.EcDsa, TpmAlgId.Ecc):
                    var size = TpmtPublic.CoordinateSize(key.Curve);
                    if (signature.Signature.Length > size || signature.S.Length > size)
                    {
                        problem = "ECDSA signature values are longer than the curve's coordinates";
                        return false;
                    }
                    using (var ec = key.ToECDsa())
                        ok = ec.VerifyData(data, (byte[])[.. TpmtPublic.LeftPad(signature.Signature, size), .. TpmtPublic.LeftPad(signature.S, size)],
                            hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                    break;
                default:
                    problem = $"a {TpmHash.Describe(signature.SigAlg)} signature cannot come from a {TpmHash.Describe(key.Type)} key";
                    return false;
            }
            if (!ok) problem = "signature does not verify under the attestation key";
            return ok;
        }
        catch (Exception e) when (e is CryptographicException or NotSupportedException)
        {
            problem = "signature check failed: " + e.Message;
            return false;
        }
    }
}
