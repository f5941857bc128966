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

/// <summary>Counts per status and the RAND level, as stored for each report.</summary>
/// <param name="Pass">Controls that passed.</param>
/// <param name="Fail">Controls that failed.</param>
/// <param name="Error">Controls that could not be judged.</param>
/// <param name="NotApplicable">Controls that do not apply.</param>
/// <param name="Waived">Failures covered by a waiver.</param>
/// <param name="Manual">Controls a person must attest.</param>
/// <param name="RandLevelAchieved"><c>SL0</c>…<c>SL5</c>.</param>
public sealed record VerdictCounts(int Pass, int Fail, int Error, int NotApplicable, int Waived, int Manual, string RandLevelAchieved);

/// <summary>One control's verdict in a stored report: the aggregator's (served) and the agent's (kept for comparison).</summary>
/// <param name="ControlId">The control.</param>
/// <param name="Status">The aggregator's verdict (kebab-case).</param>
/// <param name="AgentStatus">What the agent claimed, or null when the agent's report had no result for it.</param>
/// <param name="Severity">The control's severity.</param>
public sealed record StoredVerdict(string ControlId, string Status, string? AgentStatus, string Severity);

/// <summary>A verified, re-evaluated report as stored.</summary>
/// <param name="ReportId">The report's id (idempotency key).</param>
/// <param name="AgentId">The agent that submitted it.</param>
/// <param name="Hostname">The host name in the report.</param>
/// <param name="ReceivedAt">When the aggregator accepted it.</param>
/// <param name="ProfileId">The profile it was judged against.</param>
/// <param name="Attestation"><c>verified</c> or <c>absent</c>.</param>
/// <param name="Summary">The aggregator's counts.</param>
/// <param name="AgentRandLevel">The RAND level the agent claimed.</param>
/// <param name="ReportJson">The submitted report, as received.</param>
/// <param name="Verdicts">One per control of the profile.</param>
public sealed record StoredReport(Guid ReportId, string AgentId, string Hostname, DateTimeOffset ReceivedAt, string ProfileId,
    string Attestation, VerdictCounts Summary, string AgentRandLevel, string ReportJson, IReadOnlyList<StoredVerdict> Verdicts)
{
    /// <summary>The verified quote as submitted (<c>QuoteAttestation</c> JSON, event log included), or null without a TPM; PCR drift and evidence bundles read it.</summary>
    public string? AttestationJson { get; init; }
}
