using System.Net;

namespace WeightGuard.Aggregator.Alerts;

/// <summary>
/// Where alerts go and how often states that change with time (stale) are looked at: the <c>alerts</c> section of
/// <c>aggregator.json</c> (<see cref="AlertSettingsLoader"/>), or set directly by tests.
/// </summary>
public sealed record AlertSettings
{
    /// <summary>No sinks: alerts are still raised and listed on the dashboard.</summary>
    public static AlertSettings None { get; } = new();

    /// <summary>This aggregator's name in events and as the syslog HOSTNAME (1 to 64 of A-Z a-z 0-9 . _ -).</summary>
    public string Instance { get; init; } = DefaultInstance();
    /// <summary>How often every host is looked at again (staleness is a matter of time, not of a report).</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromMinutes(1);
    /// <summary>How long alerts are kept for the dashboard.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(90);
    /// <summary>Webhook receivers.</summary>
    public IReadOnlyList<WebhookSettings> Webhooks { get; init; } = [];
    /// <summary>Syslog receivers.</summary>
    public IReadOnlyList<SyslogSettings> Syslog { get; init; } = [];

    /// <summary>The machine's name as an instance name (characters outside the allowed set become '-').</summary>
    public static string DefaultInstance()
    {
        var name = new string(Environment.MachineName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-').Take(64).ToArray());
        return name.Length > 0 ? name : "weightguard-aggregator";
    }
}

/// <summary>Settings every sink has.</summary>
public abstract record SinkSettings
{
    /// <summary>The sink's name on the dashboard and in logs (unique; 1 to 64 of A-Z a-z 0-9 . _ -).</summary>
    public required string Name { get; init; }
    /// <summary>The least severe alert sent to it.</summary>
    public AlertSeverity MinimumSeverity { get; init; } = AlertSeverity.Warning;
    /// <summary>Alerts waiting to be sent; when full, the oldest waiting alert is dropped and counted.</summary>
    public int QueueCapacity { get; init; } = 1000;
}

/// <summary>A webhook: JSON events POSTed over HTTPS, signed with HMAC-SHA256, retried with exponential backoff and jitter.</summary>
public sealed record WebhookSettings : SinkSettings
{
    /// <summary>Where to POST: https://, or http:// to a loopback address only.</summary>
    public required Uri Url { get; init; }
    /// <summary>The HMAC key (the secret file's bytes, a trailing newline dropped). Never logged.</summary>
    public required byte[] Secret { get; init; }
    /// <summary>Sends per alert, the first included.</summary>
    public int Attempts { get; init; } = 6;
    /// <summary>The median delay before the first retry; it doubles at each retry, with jitter.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>The longest delay between retries.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>How long one send may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>How syslog messages travel.</summary>
public enum SyslogTransport
{
    /// <summary>One RFC 5424 message per datagram (RFC 5426).</summary>
    Udp,
    /// <summary>A stream of octet-counted RFC 5424 messages (RFC 6587 §3.4.1).</summary>
    Tcp,
    /// <summary>One message per datagram to a local Unix socket such as <c>/dev/log</c>.</summary>
    Unix,
}

/// <summary>A syslog receiver: RFC 5424 messages with structured data, for SIEMs.</summary>
public sealed record SyslogSettings : SinkSettings
{
    /// <summary>How messages travel.</summary>
    public required SyslogTransport Transport { get; init; }
    /// <summary>Where: <see cref="Host"/> and <see cref="Port"/> for UDP and TCP, <see cref="SocketPath"/> for a Unix socket.</summary>
    public string? Host { get; init; }
    /// <summary>The port (UDP, TCP).</summary>
    public int Port { get; init; }
    /// <summary>The socket's path (Unix).</summary>
    public string? SocketPath { get; init; }
    /// <summary>The facility code (0 kern … 23 local7); PRI = facility × 8 + severity.</summary>
    public int Facility { get; init; } = SyslogFrame.Facilities["local0"];
    /// <summary>The longest message in octets, header and structured data included; longer text is cut.</summary>
    public int MaxLength { get; init; } = 2048;

    /// <summary>Where it goes, for logs and the dashboard.</summary>
    public string Destination => Transport == SyslogTransport.Unix ? $"unix:{SocketPath}"
        : $"{Transport.ToString().ToLowerInvariant()}:{(IPAddress.TryParse(Host, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Host}]" : Host)}:{Port}";
}
