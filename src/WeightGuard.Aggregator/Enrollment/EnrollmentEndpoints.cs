using WeightGuard.Aggregator.Audit;
using WeightGuard.Aggregator.Pki;
using WeightGuard.Aggregator.Problems;
using WeightGuard.Core.Protocol;

namespace WeightGuard.Aggregator.Enrollment;

/// <summary>The unauthenticated routes: the CA certificate and the two enrolment steps (rate-limited per client address).</summary>
internal static class EnrollmentEndpoints
{
    /// <summary>The rate-limiting policy on the enrolment routes.</summary>
    public const string RateLimitPolicy = "enrollment";

    /// <summary>The largest enrolment body: a CSR, two public keys and an EK certificate fit easily.</summary>
    private const long MaxBodyBytes = 64 * 1024;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(AgentProtocol.CaPath, (CertificateAuthority ca) => Results.Text(ca.CertificatePem, "application/x-pem-file"));

        app.MapPost(AgentProtocol.EnrollmentsPath, async (HttpContext http, EnrollmentService enrollment, AuditLog audit, CancellationToken cancel) =>
        {
            using var body = await JsonBody.ReadAsync(http.Request, MaxBodyBytes, cancel);
            var request = JsonBody.Bind(body.RootElement, ProtocolJsonContext.Default.EnrollmentRequest);
            var result = await enrollment.StartAsync(request, cancel);
            if (result.Status == EnrollmentResult.Issued)
                await audit.RecordAsync(http, AuditActions.AgentEnrolled, result.AgentId, $"hostname {request.Hostname}; without a TPM", cancel);
            return Results.Json(result, ProtocolJsonContext.Default.EnrollmentResult);
        }).RequireRateLimiting(RateLimitPolicy);

        app.MapPost(AgentProtocol.EnrollmentsPath + "/{enrollmentId}/activation",
            async (string enrollmentId, HttpContext http, EnrollmentService enrollment, AuditLog audit, CancellationToken cancel) =>
            {
                using var body = await JsonBody.ReadAsync(http.Request, MaxBodyBytes, cancel);
                var activation = JsonBody.Bind(body.RootElement, ProtocolJsonContext.Default.ActivationRequest);
                var result = await enrollment.ActivateAsync(enrollmentId, activation, cancel);
                await audit.RecordAsync(http, AuditActions.AgentEnrolled, result.AgentId, "with a TPM: credential activated", cancel);
                return Results.Json(result, ProtocolJsonContext.Default.EnrollmentResult);
            }).RequireRateLimiting(RateLimitPolicy);
    }
}
