namespace WeightGuard.Aggregator.Storage;

/// <summary>An enrolled agent: one host's identity at the aggregator.</summary>
/// <param name="AgentId">The agent's id (its client certificate's CN).</param>
/// <param name="Hostname">The host's name as given at enrolment.</param>
/// <param name="MachineId">The host's machine id, when it gave one.</param>
/// <param name="AkPublic">The TPM attestation key (TPMT_PUBLIC), or null for an agent enrolled without a TPM.</param>
/// <param name="EkCertified">True when the EK came with a certificate that chained to a manufacturer CA.</param>
/// <param name="EnrolledAt">When the certificate was issued.</param>
/// <param name="RevokedAt">When an admin revoked it; null while it may report.</param>
public sealed record AgentRecord(string AgentId, string Hostname, string? MachineId, byte[]? AkPublic, bool EkCertified,
    DateTimeOffset EnrolledAt, DateTimeOffset? RevokedAt = null)
{
    /// <summary>The TPM endorsement key (TPMT_PUBLIC) the AK was proven beside, or null without a TPM; evidence bundles carry it.</summary>
    public byte[]? EkPublic { get; init; }
    /// <summary>The EK certificate (DER) the agent sent, when it had one.</summary>
    public byte[]? EkCertificate { get; init; }
}

/// <summary>A TPM enrolment waiting for its credential to be activated.</summary>
/// <param name="EnrollmentId">Where the agent posts the activation.</param>
/// <param name="Agent">The agent that is enrolled once the activation proves the AK.</param>
/// <param name="CertificateRequest">The agent's PKCS#10 request (PEM).</param>
/// <param name="CredentialHash">SHA-256 of the credential the TPM must recover.</param>
/// <param name="ExpiresAt">When the challenge lapses.</param>
public sealed record PendingEnrollment(string EnrollmentId, AgentRecord Agent, string CertificateRequest, byte[] CredentialHash,
    DateTimeOffset ExpiresAt);

/// <summary>What checking a nonce found.</summary>
public enum NonceCheck
{
    /// <summary>Fresh, unused, this agent's: now spent.</summary>
    Accepted,
    /// <summary>Never issued.</summary>
    Unknown,
    /// <summary>Issued to another agent.</summary>
    OtherAgent,
    /// <summary>Its lifetime has passed.</summary>
    Expired,
    /// <summary>Already used by an earlier report.</summary>
    AlreadyUsed,
}

/// <summary>A verified report as stored, with what was judged when it arrived.</summary>
/// <param name="ReportId">The report's id (idempotency key).</param>
/// <param name="AgentId">The agent that submitted it.</param>
/// <param name="ReportedName">The host name the report's evidence gives (the enrolled name is the host's identity).</param>
/// <param name="ReceivedAt">When the aggregator accepted it.</param>
/// <param name="ProfileId">The profile the agent scanned with (shapes only what the agent printed).</param>
/// <param name="Attestation"><c>verified</c> or <c>absent</c>.</param>
/// <param name="Judgement">What the aggregator judged at receipt.</param>
/// <param name="AgentRand">The RAND standing the agent claimed.</param>
/// <param name="ReportJson">The submitted report, as received.</param>
/// <param name="Current">The same judgement as the host's current one, made its latest when the report is the newest.</param>
public sealed record StoredReport(Guid ReportId, string AgentId, string ReportedName, DateTimeOffset ReceivedAt, string ProfileId,
    string Attestation, ReportJudgement Judgement, string AgentRand, string ReportJson, CurrentJudgement Current)
{
    /// <summary>The verified quote as submitted (<c>QuoteAttestation</c> JSON, event log included), or null without a TPM; PCR drift and evidence bundles read it.</summary>
    public string? AttestationJson { get; init; }
}
