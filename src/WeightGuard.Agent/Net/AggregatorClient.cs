using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using WeightGuard.Core.Protocol;

namespace WeightGuard.Agent.Net;

/// <summary>The aggregator's API as the agent uses it (<see cref="AgentProtocol"/>); every failure is an <see cref="AggregatorException"/>.</summary>
public sealed class AggregatorClient : IDisposable
{
    /// <summary>Largest answer read from the aggregator (every answer is a small JSON document or a PEM certificate).</summary>
    private const int MaxResponseBytes = 1024 * 1024;

    private readonly HttpClient _http;

    private AggregatorClient(Uri server, HttpMessageHandler handler)
    {
        Server = server;
        _http = new HttpClient(handler) { BaseAddress = server, Timeout = TimeSpan.FromMinutes(2), MaxResponseContentBufferSize = MaxResponseBytes };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("weightguard-agent", typeof(AggregatorClient).Assembly.GetName().Version?.ToString(3)));
    }

    /// <summary>The aggregator's base URL.</summary>
    public Uri Server { get; }

    /// <summary>A client that trusts only <paramref name="ca"/> and presents <paramref name="clientCertificate"/> when given.</summary>
    public static AggregatorClient Pinned(Uri server, X509Certificate2 ca, X509Certificate2? clientCertificate = null) =>
        new(server, AggregatorTls.PinnedTo(ca, clientCertificate));

    /// <summary>
    /// Fetches the CA certificate without validating the server (nothing else is sent on that connection) and returns it
    /// only when its DER hash is the token's pin.
    /// </summary>
    /// <exception cref="AggregatorException">Unreachable, not a certificate, or not the pinned CA.</exception>
    public static async Task<X509Certificate2> FetchPinnedCa(Uri server, EnrollmentToken token, CancellationToken cancel)
    {
        using var client = new AggregatorClient(server, AggregatorTls.TrustAnyServer());
        var pem = await client.Send(HttpMethod.Get, AgentProtocol.CaPath, null, cancel).ConfigureAwait(false);
        X509Certificate2 ca;
        try { ca = X509Certificate2.CreateFromPem(System.Text.Encoding.ASCII.GetString(pem)); }
        catch (CryptographicException) { throw new AggregatorException($"{server}{AgentProtocol.CaPath.TrimStart('/')}: the answer is not a PEM certificate", HttpStatusCode.OK); }
        if (token.Pins(ca.RawData)) return ca;
        var actual = Convert.ToHexStringLower(SHA256.HashData(ca.RawData));
        ca.Dispose();
        throw new AggregatorException($"{server}: the server's CA certificate (SHA-256 {actual}) is not the one the token pins " +
                                      $"({Convert.ToHexStringLower(token.CaPin)}); refusing to enrol with it", HttpStatusCode.OK);
    }

    /// <summary>POSTs an enrolment request.</summary>
    public Task<EnrollmentResult> Enroll(EnrollmentRequest request, CancellationToken cancel) =>
        Post(AgentProtocol.EnrollmentsPath, Json(request, ProtocolJsonContext.Default.EnrollmentRequest), ProtocolJsonContext.Default.EnrollmentResult, cancel);

    /// <summary>POSTs the activated credential.</summary>
    public Task<EnrollmentResult> Activate(string enrollmentId, ActivationRequest request, CancellationToken cancel) =>
        Post(AgentProtocol.ActivationPath(enrollmentId), Json(request, ProtocolJsonContext.Default.ActivationRequest), ProtocolJsonContext.Default.EnrollmentResult, cancel);

    /// <summary>Asks for a fresh nonce (mTLS).</summary>
    public Task<NonceResponse> Nonce(CancellationToken cancel) =>
        Post(AgentProtocol.NoncePath, new ByteArrayContent([]), ProtocolJsonContext.Default.NonceResponse, cancel);

    /// <summary>POSTs a report submission, already serialised (mTLS).</summary>
    public Task<SubmissionResult> Submit(byte[] submissionJson, CancellationToken cancel) =>
        Post(AgentProtocol.ReportsPath, Json(submissionJson), ProtocolJsonContext.Default.SubmissionResult, cancel);

    private async Task<T> Post<T>(string path, HttpContent body, JsonTypeInfo<T> answer, CancellationToken cancel)
    {
        var bytes = await Send(HttpMethod.Post, path, body, cancel).ConfigureAwait(false);
        try { return JsonSerializer.Deserialize(bytes, answer) ?? throw new JsonException("null"); }
        catch (JsonException e) { throw new AggregatorException($"{Server}{path.TrimStart('/')}: the answer is not the expected JSON ({e.Message})", HttpStatusCode.OK, e); }
    }

    private async Task<byte[]> Send(HttpMethod method, string path, HttpContent? body, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body };
        var where = $"{Server}{path.TrimStart('/')}";
        try
        {
            using var response = await _http.SendAsync(request, cancel).ConfigureAwait(false);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancel).ConfigureAwait(false);
            if (response.IsSuccessStatusCode) return bytes;
            var problem = ProblemDocument.Describe(bytes);
            throw new AggregatorException($"{where}: the aggregator answered {(int)response.StatusCode} {response.ReasonPhrase}" +
                                          (problem is null ? "" : $": {problem}"), response.StatusCode);
        }
        catch (HttpRequestException e) when (e.InnerException is AuthenticationException)
        {
            throw new AggregatorException($"{where}: TLS failed: the server's certificate is not issued for this host by the aggregator CA " +
                                          $"this agent trusts, or the server refused this agent's certificate ({e.InnerException.Message})", null, e);
        }
        catch (HttpRequestException e)
        {
            throw new AggregatorException($"{where}: cannot reach the aggregator: {e.Message}", null, e);
        }
        catch (TaskCanceledException e) when (!cancel.IsCancellationRequested)
        {
            throw new AggregatorException($"{where}: the aggregator did not answer in time", null, e);
        }
    }

    private static ByteArrayContent Json<T>(T value, JsonTypeInfo<T> type) => Json(JsonSerializer.SerializeToUtf8Bytes(value, type));

    private static ByteArrayContent Json(byte[] json)
    {
        var content = new ByteArrayContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
