using System.Threading.Channels;
using WeightGuard.Aggregator.Alerts;

namespace WeightGuard.Aggregator.Tests.Alerts;

/// <summary>A sink that hands every alert to the test, for tests of the dispatcher and the sweep rather than of a transport.</summary>
internal sealed class CapturingSink(string name = "capture", int queueCapacity = 1000, AlertSeverity minimum = AlertSeverity.Info) : IAlertSink
{
    private readonly Channel<AlertEvent> _sent = Channel.CreateUnbounded<AlertEvent>();

    public SinkSettings Settings { get; } = new SyslogSettings
    {
        Name = name, Transport = SyslogTransport.Udp, Host = "127.0.0.1", Port = 9, QueueCapacity = queueCapacity, MinimumSeverity = minimum,
    };

    public async Task<SinkOutcome> SendAsync(AlertEvent alert, byte[] json, CancellationToken cancel)
    {
        await _sent.Writer.WriteAsync(alert, cancel);
        return new SinkOutcome(true, 1, "captured");
    }

    /// <summary>The next alert sent, waiting at most 30 s (returns as it is sent).</summary>
    public async Task<AlertEvent> NextAsync() => await _sent.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    public int Waiting => _sent.Reader.Count;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
