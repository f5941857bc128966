using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace WeightGuard.Aggregator.Tests;

/// <summary>HTTP clients of an aggregator, in this process or another, that trust only its CA as an enrolled agent does.</summary>
internal static class AggregatorClients
{
    /// <summary>
    /// A client of <paramref name="address"/> that trusts only <paramref name="ca"/> and presents
    /// <paramref name="clientCertificate"/>, if any; with <paramref name="cookies"/> it keeps cookies there and does not
    /// follow redirects, as a test of a browser's view needs; with <paramref name="from"/> it connects from that local
    /// address (another loopback address, to stand for another client).
    /// </summary>
    public static HttpClient Create(Uri address, X509Certificate2 ca, X509Certificate2? clientCertificate = null, string? bearer = null,
        System.Net.CookieContainer? cookies = null, System.Net.IPAddress? from = null)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = from is null ? null : async (context, cancel) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                socket.Bind(new System.Net.IPEndPoint(from, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancel);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is null) return false;
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    using var received = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                    return chain.Build(received);
                },
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
            },
        };
        if (cookies is not null)
        {
            handler.CookieContainer = cookies;
            handler.AllowAutoRedirect = false;
        }
        var client = new HttpClient(handler) { BaseAddress = address };
        if (bearer is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }
}
