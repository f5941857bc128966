namespace WeightGuard.Aggregator.Alerts;

/// <summary>A place alerts are sent to: a webhook, a syslog receiver.</summary>
public interface IAlertSink : IAsyncDisposable
{
    /// <summary>Its name, least severity and queue size.</summary>
    SinkSettings Settings { get; }

    /// <summary>Sends one alert, retrying as the sink does; the outcome, never an exception but for cancellation.</summary>
    /// <param name="alert">The event.</param>
    /// <param name="json">The event as JSON (<see cref="AlertEvent.ToJson"/>), the bytes a webhook signs and sends.</param>
    /// <param name="cancel">Stops the send (shutdown).</param>
    Task<SinkOutcome> SendAsync(AlertEvent alert, byte[] json, CancellationToken cancel);
}

/// <summary>How sending one alert to one sink ended.</summary>
/// <param name="Delivered">The receiver took it (a 2xx answer; the message written to the socket).</param>
/// <param name="Attempts">Sends tried.</param>
/// <param name="Detail">The last outcome in words.</param>
public sealed record SinkOutcome(bool Delivered, int Attempts, string Detail);
