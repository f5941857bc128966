using System.Net;
using System.Net.Sockets;

namespace WeightGuard.Aggregator.Alerts;

/// <summary>
/// Sends each alert as one RFC 5424 message (<see cref="SyslogFrame"/>): a datagram over UDP (RFC 5426) or to a Unix
/// socket such as <c>/dev/log</c>, or octet-counted on a TCP stream (RFC 6587) kept open between alerts. A send that
/// fails is tried once more on a new socket (a receiver restarted, a stream closed); then the alert is failed.
/// </summary>
public sealed class SyslogSink(SyslogSettings settings) : IAlertSink
{
    private const int Attempts = 2;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private Socket? _socket;
    private NetworkStream? _stream;

    /// <inheritdoc/>
    public SinkSettings Settings => settings;

    /// <inheritdoc/>
    public async Task<SinkOutcome> SendAsync(AlertEvent alert, byte[] json, CancellationToken cancel)
    {
        var message = SyslogFrame.Format(alert, settings.Facility, settings.MaxLength, Environment.ProcessId);
        var problem = "";
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            try
            {
                if (settings.Transport == SyslogTransport.Tcp)
                {
                    _stream ??= new NetworkStream(await ConnectAsync(cancel), ownsSocket: true);
                    await _stream.WriteAsync(SyslogFrame.OctetCounted(message), cancel);
                }
                else
                {
                    _socket ??= await ConnectAsync(cancel);
                    await _socket.SendAsync(message, SocketFlags.None, cancel);
                }
                return new SinkOutcome(true, attempt, $"sent to {settings.Destination}");
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException && !cancel.IsCancellationRequested)
            {
                problem = e is OperationCanceledException ? "the connection timed out" : e.Message;
                await CloseAsync();
            }
        }
        return new SinkOutcome(false, Attempts, $"{settings.Destination}: {problem}");
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => CloseAsync();

    private async Task<Socket> ConnectAsync(CancellationToken cancel)
    {
        var socket = settings.Transport switch
        {
            SyslogTransport.Unix => new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified),
            SyslogTransport.Udp => new Socket(SocketType.Dgram, ProtocolType.Udp),
            _ => new Socket(SocketType.Stream, ProtocolType.Tcp),
        };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(ConnectTimeout);
            EndPoint endpoint = settings.Transport == SyslogTransport.Unix
                ? new UnixDomainSocketEndPoint(settings.SocketPath!)
                : IPAddress.TryParse(settings.Host, out var ip) ? new IPEndPoint(ip, settings.Port) : new DnsEndPoint(settings.Host!, settings.Port);
            await socket.ConnectAsync(endpoint, timeout.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async ValueTask CloseAsync()
    {
        if (_stream is not null) await _stream.DisposeAsync();
        _socket?.Dispose();
        (_stream, _socket) = (null, null);
    }
}
