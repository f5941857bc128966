using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WeightGuard.Aggregator.Tests.Alerts;

/// <summary>A real syslog socket: UDP on a loopback port, or a Unix datagram socket in a temporary directory.</summary>
internal sealed class SyslogReceiver : IDisposable
{
    private readonly Socket _socket;
    private readonly string? _directory;

    private SyslogReceiver(Socket socket, string? directory) => (_socket, _directory) = (socket, directory);

    /// <summary>The <c>address</c> a sink names it by: HOST:PORT, or the socket's path.</summary>
    public string Address { get; private init; } = "";
    public int Port { get; private init; }
    public string? SocketPath { get; private init; }

    public static SyslogReceiver Udp()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        return new SyslogReceiver(socket, null) { Address = $"127.0.0.1:{port}", Port = port };
    }

    public static SyslogReceiver Unix()
    {
        var directory = Directory.CreateTempSubdirectory("weightguard-syslog-").FullName;
        var path = Path.Combine(directory, "log");
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return new SyslogReceiver(socket, directory) { Address = path, SocketPath = path };
    }

    /// <summary>The next datagram, waiting at most 30 s (returns as it arrives).</summary>
    public async Task<byte[]> NextAsync()
    {
        var buffer = new byte[70_000];
        var length = await _socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(30));
        return buffer[..length];
    }

    /// <summary>Datagrams waiting.</summary>
    public int Waiting => _socket.Available;

    public void Dispose()
    {
        _socket.Dispose();
        if (_directory is not null) Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>An RFC 5424 message taken apart by the ABNF of RFC 5424 §6, independently of the code that writes it.</summary>
internal sealed record Rfc5424Message(int Priority, string Timestamp, string Hostname, string AppName, string ProcId, string MsgId,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> StructuredData, string Message, bool HasBom)
{
    public int Facility => Priority / 8;
    public int Severity => Priority % 8;

    public static Rfc5424Message Parse(byte[] octets)
    {
        var at = 0;
        Expect(octets, ref at, (byte)'<');
        var priority = int.Parse(Until(octets, ref at, (byte)'>'), System.Globalization.CultureInfo.InvariantCulture);
        Expect(octets, ref at, (byte)'>');
        var version = Field(octets, ref at);
        if (version != "1") throw new FormatException($"VERSION is '{version}'");
        var (timestamp, hostname, app, proc, msgid) = (Field(octets, ref at), Field(octets, ref at), Field(octets, ref at), Field(octets, ref at), Field(octets, ref at));
        var data = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        if (octets[at] == '-') at++;
        else
            while (at < octets.Length && octets[at] == '[')
            {
                at++;
                var id = Name(octets, ref at);
                var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
                while (octets[at] == ' ')
                {
                    at++;
                    var name = Name(octets, ref at);
                    Expect(octets, ref at, (byte)'=');
                    Expect(octets, ref at, (byte)'"');
                    var value = new List<byte>();
                    while (octets[at] != '"')
                    {
                        if (octets[at] == '\\' && octets[at + 1] is (byte)'"' or (byte)'\\' or (byte)']') at++;
                        value.Add(octets[at++]);
                    }
                    at++;
                    parameters[name] = Encoding.UTF8.GetString(value.ToArray());
                }
                Expect(octets, ref at, (byte)']');
                data[id] = parameters;
            }
        var rest = octets.AsSpan(at);
        if (rest.Length > 0 && rest[0] == ' ') rest = rest[1..];
        var bom = rest.StartsWith("\uFEFF"u8);
        if (bom) rest = rest[3..];
        return new Rfc5424Message(priority, timestamp, hostname, app, proc, msgid, data, new UTF8Encoding(false, true).GetString(rest), bom);
    }

    private static void Expect(byte[] octets, ref int at, byte c)
    {
        if (octets[at] != c) throw new FormatException($"expected '{(char)c}' at {at}, found '{(char)octets[at]}'");
        at++;
    }

    private static string Until(byte[] octets, ref int at, byte stop)
    {
        var start = at;
        while (octets[at] != stop) at++;
        return Encoding.ASCII.GetString(octets, start, at - start);
    }

    /// <summary>A header field: printable US-ASCII up to the next space, which is consumed.</summary>
    private static string Field(byte[] octets, ref int at)
    {
        var text = Until(octets, ref at, (byte)' ');
        at++;
        if (text.Length == 0 || text.Any(c => c is < '!' or > '~')) throw new FormatException($"header field '{text}' is not PRINTUSASCII");
        return text;
    }

    /// <summary>An SD-NAME: 1 to 32 printable characters other than '=', ' ', ']' and '"'.</summary>
    private static string Name(byte[] octets, ref int at)
    {
        var start = at;
        while (octets[at] is > (byte)' ' and < 127 and not (byte)'=' and not (byte)']' and not (byte)'"') at++;
        var name = Encoding.ASCII.GetString(octets, start, at - start);
        if (name.Length is 0 or > 32 && !name.Contains('@')) throw new FormatException($"SD-NAME '{name}' has {name.Length} characters");
        return name;
    }
}
