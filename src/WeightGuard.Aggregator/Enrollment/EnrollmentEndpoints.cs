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

        app.MapPost(AgentProtocol.EnrollmentsPath, async (HttpRequest http, EnrollmentService enrollment, CancellationToken cancel) =>
        {
            using var body = await JsonBody.ReadAsync(http, MaxBodyBytes, cancel);
            var request = JsonBody.Bind(body.RootElement, ProtocolJsonContext.Default.EnrollmentRequest);
            return Results.Json(await enrollment.StartAsync(request, cancel), ProtocolJsonContext.Default.EnrollmentResult);
        }).RequireRateLimiting(RateLimitPolicy);

        app.MapPost(AgentProtocol.EnrollmentsPath + "/{enrollmentId}/activation",
            async (string enrollmentId, HttpRequest http, EnrollmentService enrollment, CancellationToken cancel) =>
            {
                using var body = await JsonBody.ReadAsync(http, MaxBodyBytes, cancel);
                var activation = JsonBody.Bind(body.RootElement, ProtocolJsonContext.Default.ActivationRequest);
                return Results.Json(await enrollment.ActivateAsync(enrollmentId, activation, cancel), ProtocolJsonContext.Default.EnrollmentResult);
            }).RequireRateLimiting(RateLimitPolicy);
    }
}
