using WeightGuard.Aggregator.Hosting;
using WeightGuard.Aggregator.Judgement;

namespace WeightGuard.Aggregator.Attestation;

/// <summary>What an enrolment or a report must prove about its TPM.</summary>
/// <param name="EkCertificate">Enrolment needs a TPM whose EK certificate chains to a manufacturer CA.</param>
/// <param name="Quote">Every report needs a verified quote; agents enrolled without a TPM cannot report.</param>
public sealed record AttestationRequirement(bool EkCertificate, bool Quote);

/// <summary>
/// The attestation demanded now: what <c>serve</c> was started with (<c>--require-ek-certificate</c>,
/// <c>--require-attestation</c>), raised but never lowered by the fleet policy's settings of the same names. Read per
/// request, so applying a policy takes effect without a restart. An EK certificate requirement implies a quote
/// requirement: otherwise an agent enrolled without a TPM would step around it.
/// </summary>
public sealed class AttestationRequirements(AggregatorSettings settings, FleetJudge judge)
{
    /// <summary>The requirement in force.</summary>
    public async Task<AttestationRequirement> CurrentAsync(CancellationToken cancel)
    {
        var policy = await judge.PolicyAsync(cancel);
        var ek = settings.RequireEkCertificate || policy.RequireEkCertificate;
        return new AttestationRequirement(ek, ek || settings.RequireAttestation || policy.RequireAttestation);
    }
}
