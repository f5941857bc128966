namespace WeightGuard.Core.Protocol;

/// <summary>The agent ⇄ aggregator contract: routes, limits and the PCRs every report quote covers.</summary>
public static class AgentProtocol
{
    /// <summary>Unauthenticated: the aggregator's CA certificate (PEM), checked by the agent against the token's pin.</summary>
    public const string CaPath = "/api/v1/ca";
    /// <summary>Unauthenticated, rate-limited: POST an <see cref="EnrollmentRequest"/>, get an <see cref="EnrollmentResult"/>.</summary>
    public const string EnrollmentsPath = "/api/v1/enrollments";
    /// <summary>POST an <see cref="ActivationRequest"/> to <c>/api/v1/enrollments/{enrollmentId}/activation</c>.</summary>
    public static string ActivationPath(string enrollmentId) => $"{EnrollmentsPath}/{Uri.EscapeDataString(enrollmentId)}/activation";
    /// <summary>mTLS: POST (empty body) for a <see cref="NonceResponse"/> bound to the calling agent.</summary>
    public const string NoncePath = "/api/v1/nonce";
    /// <summary>mTLS: POST a <see cref="ReportSubmission"/>, get a <see cref="SubmissionResult"/>.</summary>
    public const string ReportsPath = "/api/v1/reports";

    /// <summary>The PCRs a report quote covers: the firmware and boot-loader measurements the event log explains.</summary>
    public const string QuotePcrs = "sha256:0,1,2,3,4,5,6,7";
    /// <summary>The largest report submission the aggregator accepts.</summary>
    public const long MaxSubmissionBytes = 8 * 1024 * 1024;
    /// <summary>How long a nonce stays valid.</summary>
    public static readonly TimeSpan NonceLifetime = TimeSpan.FromMinutes(5);
}
