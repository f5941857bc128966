using System.Net.Sockets;

namespace WeightGuard.Tpm.Transport;

/// <summary>
/// The TCP TPM-simulator protocol as swtpm speaks it on its server port: raw command bytes in, raw response out, one
/// TCP connection per command (swtpm serves one client at a time, so no connection is held between commands).
/// </summary>
/// <param name="host">Host name or address of the simulator.</param>
/// <param name="port">Its command (server) port; the control port is the next one.</param>
public sealed class SwtpmTcpTransport(string host, int port) : ITpmTransport
{
    private static readonly TimeSpan IoTimeout = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public string Description => $"swtpm:{host}:{port}";

    /// <inheritdoc />
    public byte[] Transceive(byte[] command)
    {
        using var client = new TcpClient { NoDelay = true };
        try
        {
            using var cts = new CancellationTokenSource(IoTimeout);
            client.ConnectAsync(host, port, cts.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            throw new TpmUnavailableException($"cannot connect to the TPM simulator at {host}:{port}: {e.Message}", e);
        }
        client.ReceiveTimeout = client.SendTimeout = (int)IoTimeout.TotalMilliseconds;
        try
        {
            var stream = client.GetStream();
            stream.Write(command);
            var header = new byte[TpmResponseFrame.HeaderSize];
            var got = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            var size = TpmResponseFrame.AnnouncedSize(header.AsSpan(0, got));
            var response = new byte[size];
            header.CopyTo(response, 0);
            got = stream.ReadAtLeast(response.AsSpan(header.Length), size - header.Length, throwOnEndOfStream: false);
            if (got < size - header.Length)
                throw new TpmFormatException($"offset {header.Length + got}: response truncated: header announces {size} bytes");
            return response;
        }
        catch (IOException e)
        {
            throw new TpmUnavailableException($"TPM simulator at {host}:{port} failed: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public void Dispose() { }
}
