using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WeightGuard.Evidence.Gpu;

/// <summary>A report measurement that no reference value allows.</summary>
/// <param name="Index">The report's measurement block index.</param>
/// <param name="Name">The reference's name for it.</param>
/// <param name="Found">The digest the GPU reported (hex), or null when the report lacks the block.</param>
public sealed record GpuMeasurementMismatch(int Index, string Name, string? Found);

/// <summary>The outcome of checking one GPU attestation report.</summary>
/// <param name="Verdict">One of the <c>GpuReportVerifier</c> verdict constants.</param>
/// <param name="Reason">Why, in a sentence.</param>
/// <param name="SignatureValid">The signature verified under the leaf certificate's key.</param>
/// <param name="ChainValid">The certificate chain leads to a trusted device identity root.</param>
/// <param name="NonceMatches">The requester nonce equals the expected one; null when none was expected.</param>
/// <param name="MeasurementsChecked">How many report measurements were compared with reference values.</param>
/// <param name="Mismatches">Measurements no reference value allows.</param>
public sealed record GpuReportCheck(string Verdict, string Reason, bool SignatureValid, bool ChainValid, bool? NonceMatches,
    int MeasurementsChecked, IReadOnlyList<GpuMeasurementMismatch> Mismatches);

/// <summary>
/// Verifies a GPU's SPDM measurement report the way NVIDIA's local verifier does, offline: the certificate chain the
/// GPU returned must lead to a trusted device identity root; the signature (ECDSA over SHA-384 for P-384 keys, raw r‖s)
/// must verify over the request and the response up to the signature with the leaf's key; the request's nonce must be
/// the one the verifier expected (so a replayed report fails); and every measurement a reference manifest marks active
/// must hold one of its values. The first failure decides the verdict.
/// </summary>
public static class GpuReportVerifier
{
    /// <summary>Signature, chain, nonce and every referenced measurement hold.</summary>
    public const string Verified = "verified";
    /// <summary>The request did not ask for a signature.</summary>
    public const string Unsigned = "unsigned";
    /// <summary>The chain does not lead to a trusted root.</summary>
    public const string ChainInvalid = "chain-invalid";
    /// <summary>A certificate of the chain is listed as revoked.</summary>
    public const string RevokedCertificate = "revoked-cert";
    /// <summary>The signature does not verify.</summary>
    public const string SignatureInvalid = "signature-invalid";
    /// <summary>The report answers another challenge.</summary>
    public const string NonceMismatch = "nonce-mismatch";
    /// <summary>A measurement differs from every reference value.</summary>
    public const string MeasurementMismatch = "measurement-mismatch";
    /// <summary>Signed, chained and fresh, but no reference values were given to compare the measurements with.</summary>
    public const string NoReferenceValues = "no-reference-values";

    /// <summary>Checks <paramref name="report"/>.</summary>
    /// <param name="report">The parsed report.</param>
    /// <param name="chain">The GPU's certificate chain, leaf first (as NVML returns it).</param>
    /// <param name="roots">Trusted device identity roots (NVIDIA's, or a test root).</param>
    /// <param name="expectedNonce">The nonce the report must answer; null to skip (inspection only).</param>
    /// <param name="references">Reference manifests (driver and VBIOS RIMs); empty to skip the comparison.</param>
    /// <param name="revokedSerials">Serial numbers (hex, upper case) revoked by a CRL the caller verified; empty when none.</param>
    /// <param name="at">The time the chain must be valid at.</param>
    public static GpuReportCheck Verify(SpdmMeasurementReport report, IReadOnlyList<X509Certificate2> chain, IReadOnlyList<X509Certificate2> roots,
        byte[]? expectedNonce, IReadOnlyList<GpuReferenceManifest> references, IReadOnlySet<string> revokedSerials, DateTimeOffset at)
    {
        if (!report.SignatureRequested)
            return new GpuReportCheck(Unsigned, "the GET_MEASUREMENTS request did not ask for a signature, so nothing proves the measurements", false, false, null, 0, []);
        if (chain.Count == 0)
            return new GpuReportCheck(ChainInvalid, "no certificate chain was given for the report", false, false, null, 0, []);

        var chainProblem = ChainProblem(chain, roots, at);
        var signatureValid = SignatureValid(report, chain[0]);
        bool? nonceMatches = expectedNonce is null ? null : CryptographicOperations.FixedTimeEquals(report.RequesterNonce, expectedNonce);
        var (checkedCount, mismatches, referenceProblem) = Compare(report, references);

        GpuReportCheck Result(string verdict, string reason) =>
            new(verdict, reason, signatureValid, chainProblem is null, nonceMatches, checkedCount, mismatches);

        if (chainProblem is not null) return Result(ChainInvalid, chainProblem);
        if (chain.FirstOrDefault(c => revokedSerials.Contains(c.SerialNumber)) is { } revoked)
            return Result(RevokedCertificate, $"certificate {revoked.Subject} (serial {revoked.SerialNumber}) is revoked");
        if (!signatureValid) return Result(SignatureInvalid, $"the signature does not verify under the key of {chain[0].Subject}");
        if (nonceMatches == false)
            return Result(NonceMismatch, $"the report answers nonce {Convert.ToHexStringLower(report.RequesterNonce)}, not the one expected (a replayed or foreign report)");
        if (referenceProblem is not null) return Result(MeasurementMismatch, referenceProblem);
        if (mismatches.Count > 0)
            return Result(MeasurementMismatch, $"{mismatches.Count} of {checkedCount} measurements differ from the reference values (first: index {mismatches[0].Index}, {mismatches[0].Name})");
        if (references.Count == 0) return Result(NoReferenceValues, "signature, chain and nonce hold, but no reference manifest was given to compare the measurements with");
        return Result(Verified, $"signature, chain{(nonceMatches is null ? "" : ", nonce")} and {checkedCount} referenced measurements hold");
    }

    /// <summary>Why the chain does not lead to a trusted root, or null when it does.</summary>
    private static string? ChainProblem(IReadOnlyList<X509Certificate2> chain, IReadOnlyList<X509Certificate2> roots, DateTimeOffset at)
    {
        if (roots.Count == 0) return "no trusted device identity root was given";
        using var builder = new X509Chain();
        builder.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        builder.ChainPolicy.CustomTrustStore.AddRange(roots.ToArray());
        builder.ChainPolicy.ExtraStore.AddRange(chain.Skip(1).ToArray());
        builder.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        builder.ChainPolicy.VerificationTime = at.UtcDateTime;
        builder.ChainPolicy.VerificationTimeIgnored = false;
        if (builder.Build(chain[0])) return null;
        var status = builder.ChainStatus.Select(s => s.StatusInformation.Trim()).FirstOrDefault(s => s.Length > 0) ?? "unknown";
        return $"the chain from {chain[0].Subject} does not lead to a trusted device identity root: {status}";
    }

    private static bool SignatureValid(SpdmMeasurementReport report, X509Certificate2 leaf)
    {
        using var key = leaf.GetECDsaPublicKey();
        if (key is null) return false;
        // DSP0274 ties the hash to the negotiated algorithm; NVIDIA GPUs negotiate ECDSA P-384 with SHA-384.
        var hash = key.KeySize switch { 256 => HashAlgorithmName.SHA256, 384 => HashAlgorithmName.SHA384, _ => HashAlgorithmName.SHA512 };
        var expectedLength = 2 * ((key.KeySize + 7) / 8);
        return report.Signature.Length == expectedLength &&
            key.VerifyData(report.SignedBytes, report.Signature, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    private static (int Checked, IReadOnlyList<GpuMeasurementMismatch> Mismatches, string? Problem) Compare(SpdmMeasurementReport report,
        IReadOnlyList<GpuReferenceManifest> references)
    {
        // A RIM describes one driver or VBIOS version; measurements compared with another version's RIM mean nothing.
        string[] versions = [report.DriverVersion ?? "", report.VbiosVersion ?? ""];
        if (references.FirstOrDefault(r => !versions.Contains(r.Version ?? "", StringComparer.OrdinalIgnoreCase)) is { } foreign)
            return (0, [], $"reference manifest {foreign.Name} is for version {foreign.Version ?? "(none)"}; the report's driver is {report.DriverVersion ?? "(absent)"} and its VBIOS {report.VbiosVersion ?? "(absent)"}");
        var golden = new Dictionary<int, (GpuReferenceMeasurement Measurement, GpuReferenceManifest From)>();
        foreach (var manifest in references)
            foreach (var m in manifest.Measurements)
                if (!golden.TryAdd(m.Index, (m, manifest)))
                    return (0, [], $"reference manifests {golden[m.Index].From.Name} {golden[m.Index].From.Version} and {manifest.Name} {manifest.Version} both claim measurement index {m.Index}");
        var reported = report.Measurements.ToDictionary(b => b.Index - 1, b => b.Value);
        var mismatches = new List<GpuMeasurementMismatch>();
        foreach (var (index, (m, _)) in golden.OrderBy(g => g.Key))
        {
            var found = reported.GetValueOrDefault(index);
            if (found is null || !m.Alternatives.Any(a => a.AsSpan().SequenceEqual(found)))
                mismatches.Add(new GpuMeasurementMismatch(index + 1, m.Name, found is null ? null : Convert.ToHexStringLower(found)));
        }
        return (golden.Count, mismatches, null);
    }
}
