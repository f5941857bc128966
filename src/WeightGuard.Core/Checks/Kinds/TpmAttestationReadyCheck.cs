using WeightGuard.Core.Catalog;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>A TPM 2.0 is present, ready where the OS reports readiness, and, unless waived by parameter, carries a manufacturer EK certificate.</summary>
public sealed class TpmAttestationReadyCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "tpm-attestation-ready";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } =
    [
        new("require-ek-certificate", ParamType.Boolean, ParamValue.Of("true"),
            "Require an EK certificate in the TPM's NV, so the TPM's maker vouches for the endorsement key"),
    ];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Tpm, "tpm", out var tpm) is { } missing) return missing;
        var at = EvidencePointer.To("tpm");
        if (!tpm.Present)
            return tpm.Error is null
                ? CheckOutcome.Fail($"no TPM 2.0 found ({tpm.Source})", at)
                : CheckOutcome.Error($"the TPM could not be read: {tpm.Error}", at);
        if (tpm.Version != "2.0") return CheckOutcome.Fail($"the TPM reports family {tpm.Version}, not 2.0", at);
        if (tpm.Ready == false) return CheckOutcome.Fail("the TPM is not ready for use: Windows reports it not enabled, activated and owned (see tpm.msc)", at);
        if (context.Boolean("require-ek-certificate") && tpm.EkCertificates.Count == 0)
            return CheckOutcome.Fail($"the {tpm.Manufacturer} TPM holds no EK certificate, so nothing vouches for its endorsement key", at);
        var certs = tpm.EkCertificates.Count == 0 ? "no EK certificate"
            : string.Join(", ", tpm.EkCertificates.Select(c => $"{c.KeyType} EK certificate from {c.Issuer}"));
        return CheckOutcome.Pass($"TPM {tpm.Version} by {tpm.Manufacturer} (firmware {tpm.FirmwareVersion}), {certs}", at);
    }
}
