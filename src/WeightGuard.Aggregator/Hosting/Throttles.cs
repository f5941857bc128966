namespace WeightGuard.Aggregator.Hosting;

/// <summary>
/// The aggregator's throttles. Those that protect secrets (failed authentications, enrolments) count in the database,
/// shared by every instance, per client address and per identity; nonce issue is cheap and counted per process.
/// </summary>
public sealed class Throttles(AggregatorSettings settings)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>Failed sign-ins and bearer-token checks, per client address.</summary>
    public SharedThrottle AuthenticationFailures { get; } =
        new(settings.Store, "authentication-failures-by-address", settings.AuthenticationFailuresPerMinute, Minute, settings.Time);

    /// <summary>Failed sign-ins and bearer-token checks, per presented token (by its public id), from any address.</summary>
    public SharedThrottle AuthenticationFailuresByToken { get; } =
        new(settings.Store, "authentication-failures-by-token", settings.AuthenticationFailuresPerMinute, Minute, settings.Time);

    /// <summary>Enrolment requests (both steps), per client address.</summary>
    public SharedThrottle Enrollments { get; } =
        new(settings.Store, "enrollments-by-address", settings.EnrollmentPermits, settings.EnrollmentWindow, settings.Time);

    /// <summary>Enrolment requests per host name asked for, from any address.</summary>
    public SharedThrottle EnrollmentsByHostname { get; } =
        new(settings.Store, "enrollments-by-hostname", settings.EnrollmentPermits, settings.EnrollmentWindow, settings.Time);

    /// <summary>Nonces issued, per agent.</summary>
    public RequestThrottle Nonces { get; } = new(settings.NoncesPerMinute, Minute, settings.Time);

    /// <summary>The request's client address, the key of per-address limits and the source of audit rows.</summary>
    public static string ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
