using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using WeightGuard.Aggregator.Attestation;
using WeightGuard.Aggregator.Pki;
using WeightGuard.Aggregator.Problems;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Protocol;
using WeightGuard.Tpm;

namespace WeightGuard.Aggregator.Enrollment;

/// <summary>
/// Enrols agents: checks the token (its CA pin, then spends one use), the certificate request and the TPM keys; issues
/// the client certificate at once for a host without a TPM, or first challenges the TPM to activate a credential made
/// for its EK and the AK's name, which proves the AK lives in the TPM that holds the EK.
/// </summary>
public sealed class EnrollmentService(IAggregatorStore store, CertificateAuthority ca, TpmKeyCheck tpmKeys, AttestationRequirements requirements,
    TimeProvider time)
{
    /// <summary>How long a credential challenge may wait for its activation.</summary>
    public static readonly TimeSpan ChallengeLifetime = TimeSpan.FromMinutes(5);

    /// <summary>The first step: an issued certificate, or a credential challenge for a TPM.</summary>
    public async Task<EnrollmentResult> StartAsync(EnrollmentRequest request, CancellationToken cancel)
    {
        var now = time.GetUtcNow();
        EnrollmentToken token;
        try { token = EnrollmentToken.Parse(request.Token); }
        catch (FormatException e) { throw ProblemException.BadRequest($"token: {e.Message}"); }
        if (!token.Pins(ca.Certificate.RawData))
            throw ProblemException.BadRequest("the token pins another CA: it was issued by another aggregator");
        if (HostNames.Problem(request.Hostname) is { } badName) throw ProblemException.BadRequest("hostname: " + badName);
        if (request.MachineId is { Length: > 128 }) throw ProblemException.BadRequest("machineId exceeds 128 characters");
        var key = ClientKey(request.CertificateRequest);
        var requireEk = (await requirements.CurrentAsync(cancel)).EkCertificate;
        var tpm = request.Tpm is null ? TpmKeyCheck.WithoutTpm(requireEk) : tpmKeys.Check(request.Tpm, requireEk);

        // Spent before anything is issued: a second enrolment with a single-use token fails even if this one never finishes.
        if (!await store.ConsumeEnrollmentTokenAsync(token.SecretHash, now, cancel))
            throw ProblemException.Forbidden("the enrolment token is unknown, expired or used up");

        var agent = new AgentRecord(Guid.NewGuid().ToString(), request.Hostname, request.MachineId, tpm?.AkBytes, tpm?.EkCertified ?? false, now)
        {
            // Kept for evidence bundles, whose verifier checks the EK certificate against the EK; both were checked just above.
            EkPublic = request.Tpm is null ? null : Convert.FromBase64String(request.Tpm.EkPublic),
            EkCertificate = request.Tpm?.EkCertificate is { } der ? Convert.FromBase64String(der) : null,
        };
        if (tpm is null) return await IssueAsync(agent, key, cancel);

        var credential = RandomNumberGenerator.GetBytes(32);
        var made = CredentialMaker.Make(tpm.Ek, tpm.Ak.ComputeName(), credential);
        var enrollmentId = Guid.NewGuid().ToString();
        await store.AddPendingEnrollmentAsync(new PendingEnrollment(enrollmentId, agent, request.CertificateRequest,
            SHA256.HashData(credential), now + ChallengeLifetime), cancel);
        CryptographicOperations.ZeroMemory(credential);
        return new EnrollmentResult(EnrollmentResult.ChallengeStatus, agent.AgentId,
            Challenge: new CredentialChallenge(enrollmentId, Convert.ToBase64String(made.CredentialBlob), Convert.ToBase64String(made.Secret)));
    }

    /// <summary>The second step for a TPM: the recovered credential; one attempt per challenge.</summary>
    public async Task<EnrollmentResult> ActivateAsync(string enrollmentId, ActivationRequest activation, CancellationToken cancel)
    {
        var pending = await store.TakePendingEnrollmentAsync(enrollmentId, cancel)
            ?? throw ProblemException.NotFound($"no enrolment {enrollmentId} awaits activation (each challenge admits one attempt)");
        var now = time.GetUtcNow();
        if (now > pending.ExpiresAt) throw ProblemException.Forbidden($"the challenge expired at {pending.ExpiresAt:O}; enrol again with a new token");
        var recovered = Base64Field.Decode(activation.Credential, "credential", 64);
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(recovered), pending.CredentialHash))
            throw ProblemException.Forbidden("the credential is wrong: the attestation key is not in the TPM that holds the endorsement key");
        return await IssueAsync(pending.Agent with { EnrolledAt = now }, ClientKey(pending.CertificateRequest), cancel);
    }

    private async Task<EnrollmentResult> IssueAsync(AgentRecord agent, PublicKey key, CancellationToken cancel)
    {
        using var certificate = ca.IssueClient(agent.AgentId, key, agent.EnrolledAt);
        await store.AddAgentAsync(agent, cancel);
        return new EnrollmentResult(EnrollmentResult.Issued, agent.AgentId, certificate.ExportCertificatePem(), ca.CertificatePem);
    }

    /// <summary>The key of a PKCS#10 request whose self-signature verifies: RSA of 2048 bits or more, or ECDSA P-256/384/521.</summary>
    private static PublicKey ClientKey(string pem)
    {
        CertificateRequest request;
        try { request = CertificateRequest.LoadSigningRequestPem(pem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default, RSASignaturePadding.Pkcs1); }
        catch (Exception e) when (e is CryptographicException or ArgumentException) { throw ProblemException.BadRequest($"certificateRequest: {e.Message}"); }
        using (var rsa = request.PublicKey.GetRSAPublicKey())
            if (rsa is not null) return rsa.KeySize >= 2048 ? request.PublicKey : throw ProblemException.BadRequest("certificateRequest: RSA keys must have 2048 bits or more");
        using (var ec = request.PublicKey.GetECDsaPublicKey())
            if (ec is not null && ec.KeySize is 256 or 384 or 521) return request.PublicKey;
        throw ProblemException.BadRequest("certificateRequest: the key must be RSA (2048 bits or more) or ECDSA P-256, P-384 or P-521");
    }
}
