using WeightGuard.Aggregator.Audit;
using WeightGuard.Aggregator.Hosting;
using WeightGuard.Aggregator.Pki;
using WeightGuard.Aggregator.Problems;
using WeightGuard.Core.Protocol;

namespace WeightGuard.Aggregator.Enrollment;

/// <summary>
/// The unauthenticated routes: the CA certificate and the two enrolment steps, limited per client address and per host
/// name asked for across every instance (<see cref="Throttles"/>).
/// </summary>
internal static class EnrollmentEndpoints
{
    /// <summary>The largest enrolment body: a CSR, two public keys and an EK certificate fit easily.</summary>
    private const long MaxBodyBytes = 64 * 1024;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(AgentProtocol.CaPath, (CertificateAuthority ca) => Results.Text(ca.CertificatePem, "application/x-pem-file"));

        app.MapPost(AgentProtocol.EnrollmentsPath, async (HttpContext http, EnrollmentService enrollment, AuditLog audit, Throttles throttles,
            CancellationToken cancel) =>
        {
            using var body = await JsonBody.ReadAsync(http.Request, MaxBodyBytes, cancel);
            var request = JsonBody.Bind(body.RootElement, ProtocolJsonContext.Default.EnrollmentRequest);
            // Checked before the name keys a shared counter: PostgreSQL cannot store a NUL, and a huge name must not become a row.
            if (HostNames.Problem(request.Hostname) is { } badName) throw ProblemException.BadRequest("hostname: " + badName);
            if (await throttles.EnrollmentsByHostname.CountAsync(request.Hostname, cancel) is { } wait)
                return new TooManyRequests(wait, "too many enrolment requests for this host name; try again later");
            var result = await enrollment.StartAsync(request, cancel);
            if (result.Status == EnrollmentResult.Issued)
                await audit.RecordAsync(http, AuditActions.AgentEnrolled, result.AgentId, $"hostname {request.Hostname}; without a TPM", cancel);
            return (IResult)Results.Json(result, ProtocolJsonContext.Default.EnrollmentResult);
        }).AddEndpointFilter(LimitPerAddressAsync);

        app.MapPost(AgentProtocol.EnrollmentsPath + "/{enrollmentId}/activation",
            async (string enrollmentId, HttpContext http, EnrollmentService enrollment, AuditLog audit, CancellationToken cancel) =>
            {
                using var body = await JsonBody.ReadAsync(http.Request, MaxBodyBytes, cancel);
                var activation = JsonBody.Bind(body.RootElement, ProtocolJsonContext.Default.ActivationRequest);
                var result = await enrollment.ActivateAsync(enrollmentId, activation, cancel);
                await audit.RecordAsync(http, AuditActions.AgentEnrolled, result.AgentId, "with a TPM: credential activated", cancel);
                return Results.Json(result, ProtocolJsonContext.Default.EnrollmentResult);
            }).AddEndpointFilter(LimitPerAddressAsync);
    }

    private static async ValueTask<object?> LimitPerAddressAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        return await http.RequestServices.GetRequiredService<Throttles>().Enrollments.CountAsync(Throttles.ClientAddress(http), http.RequestAborted) is { } wait
            ? new TooManyRequests(wait, "too many enrolment requests from this address; try again later")
            : await next(context);
    }
}
