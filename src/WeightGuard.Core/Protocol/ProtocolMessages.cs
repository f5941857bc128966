using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Reports;

namespace WeightGuard.Core.Protocol;

/// <summary>An agent asks to enrol. Binary fields are base64.</summary>
/// <param name="Token">The enrolment token (<see cref="EnrollmentToken"/>).</param>
/// <param name="CertificateRequest">A PKCS#10 request (PEM) for the agent's TLS client key; its key never leaves the host.</param>
/// <param name="Hostname">The name the host enrols with: its identity at the aggregator (RFC 1123, at most 253 characters).</param>
/// <param name="MachineId">The host's machine id, when it has one.</param>
/// <param name="Tpm">The TPM's keys, when the host has a TPM.</param>
public sealed record EnrollmentRequest(string Token, string CertificateRequest, string Hostname, string? MachineId = null, TpmEnrollment? Tpm = null);

/// <summary>The TPM keys an agent enrols with.</summary>
/// <param name="EkPublic">The endorsement key, TPMT_PUBLIC bytes.</param>
/// <param name="AkPublic">The attestation key (restricted signing primary under the endorsement hierarchy), TPMT_PUBLIC bytes.</param>
/// <param name="EkCertificate">The EK certificate (DER) from the TPM's NV, when it has one.</param>
public sealed record TpmEnrollment(string EkPublic, string AkPublic, string? EkCertificate = null);

/// <summary>The aggregator's answer to an enrolment step.</summary>
/// <param name="Status"><c>issued</c> (certificate present) or <c>challenge</c> (activate the credential, then POST it).</param>
/// <param name="AgentId">The agent's id; also the client certificate's subject CN.</param>
/// <param name="Certificate">The client certificate (PEM), when issued.</param>
/// <param name="CaCertificate">The aggregator CA (PEM), when issued.</param>
/// <param name="Challenge">The credential to activate, when status is <c>challenge</c>.</param>
public sealed record EnrollmentResult(string Status, string AgentId, string? Certificate = null, string? CaCertificate = null, CredentialChallenge? Challenge = null)
{
    /// <summary>Status of a finished enrolment.</summary>
    public const string Issued = "issued";
    /// <summary>Status of an enrolment waiting for credential activation.</summary>
    public const string ChallengeStatus = "challenge";
}

/// <summary>TPM2_MakeCredential output for the agent's EK and AK name (base64), valid for a few minutes.</summary>
/// <param name="EnrollmentId">Where to POST the activation.</param>
/// <param name="CredentialBlob">TPM2B_ID_OBJECT contents.</param>
/// <param name="EncryptedSecret">TPM2B_ENCRYPTED_SECRET contents.</param>
public sealed record CredentialChallenge(string EnrollmentId, string CredentialBlob, string EncryptedSecret);

/// <summary>The secret TPM2_ActivateCredential recovered (base64), proving the AK lives in the TPM that holds the EK.</summary>
/// <param name="Credential">The recovered credential.</param>
public sealed record ActivationRequest(string Credential);

/// <summary>A single-use nonce for the calling agent.</summary>
/// <param name="Nonce">32 bytes, lowercase hex.</param>
/// <param name="ExpiresAt">When it stops being accepted.</param>
public sealed record NonceResponse(string Nonce, DateTimeOffset ExpiresAt);

/// <summary>A report and, for agents enrolled with a TPM, the quote that binds its evidence to the TPM state.</summary>
/// <param name="Report">The scan report.</param>
/// <param name="Attestation">The quote; required from agents that enrolled with a TPM.</param>
public sealed record ReportSubmission(Report Report, QuoteAttestation? Attestation = null);

/// <summary>
/// A TPM2_Quote over <see cref="AgentProtocol.QuotePcrs"/> with qualifying data
/// <see cref="EvidenceBinding.QualifyingData"/>(nonce, evidence digest). Binary fields are base64, digests hex.
/// </summary>
/// <param name="Nonce">The nonce from <see cref="AgentProtocol.NoncePath"/>, lowercase hex.</param>
/// <param name="Quoted">The signed TPMS_ATTEST bytes.</param>
/// <param name="Signature">The TPMT_SIGNATURE bytes.</param>
/// <param name="Pcrs">PCR values read with the quote: bank name → PCR index → lowercase hex digest.</param>
/// <param name="EventLog">The TCG firmware event log the PCRs must replay from, when the host exposes one.</param>
public sealed record QuoteAttestation(string Nonce, string Quoted, string Signature,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Pcrs, string? EventLog = null);

/// <summary>What the aggregator made of a submission.</summary>
/// <param name="ReportId">The report's id.</param>
/// <param name="Duplicate">True when this report had already been stored (the submission changed nothing).</param>
/// <param name="Attestation"><c>verified</c>, or <c>absent</c> for an agent enrolled without a TPM.</param>
/// <param name="Rand">The host's RAND standing as the aggregator judged the evidence (its own verdict, not the agent's).</param>
public sealed record SubmissionResult(Guid ReportId, bool Duplicate, string Attestation, RandStanding Rand);
