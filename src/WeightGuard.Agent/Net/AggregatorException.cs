using System.Net;

namespace WeightGuard.Agent.Net;

/// <summary>The aggregator could not be reached, or answered with an error (its problem document's text included).</summary>
/// <param name="message">What happened, for a person.</param>
/// <param name="status">The HTTP status, or null when no answer came.</param>
/// <param name="inner">The underlying failure.</param>
public sealed class AggregatorException(string message, HttpStatusCode? status, Exception? inner = null) : AgentException(message, inner)
{
    /// <summary>The HTTP status, or null when the server could not be reached or its TLS identity was refused.</summary>
    public HttpStatusCode? Status { get; } = status;

    /// <summary>Worth trying again later: no answer, a server error, or "too many requests" / "timeout".</summary>
    public bool Transient => Status is null or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int?)Status >= 500;
}
