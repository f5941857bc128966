namespace WeightGuard.Aggregator.Hosting;

/// <summary>The aggregator's throttles: failed authentications per client address, nonces per agent.</summary>
public sealed class Throttles(AggregatorSettings settings)
{
    /// <summary>Failed sign-ins and bearer-token checks, per client address.</summary>
    public RequestThrottle AuthenticationFailures { get; } = new(settings.AuthenticationFailuresPerMinute, TimeSpan.FromMinutes(1), settings.Time);

    /// <summary>Nonces issued, per agent.</summary>
    public RequestThrottle Nonces { get; } = new(settings.NoncesPerMinute, TimeSpan.FromMinutes(1), settings.Time);

    /// <summary>The request's client address, the key of per-address limits and the source of audit rows.</summary>
    public static string ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
