using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WeightGuard.Core.Protocol;
using WeightGuard.Tpm;
using WeightGuard.Tpm.Verification;

namespace WeightGuard.Agent.Tests;

/// <summary>
/// Just enough of the aggregator's contract to test the agent against: a real Kestrel on loopback with TLS and client
/// certificates, one-time tokens, TPM credential activation, nonces, and report ingest that verifies the quote binding.
/// </summary>
internal sealed class FakeAggregator : IAsyncDisposable
{
    private readonly TestPki _pki;
    private readonly X509Certificate2? _serverCertificate;
    private WebApplication? _app;
    private readonly ConcurrentDictionary<string, bool> _tokens = new();
    private readonly ConcurrentDictionary<string, (TpmtPublic Ak, byte[] Secret, string Csr, string Hostname)> _pending = new();
    private readonly ConcurrentDictionary<string, TpmtPublic?> _agents = new();
    private readonly ConcurrentDictionary<string, byte[]> _nonces = new();

    private FakeAggregator(TestPki pki, X509Certificate2? serverCertificate)
    {
        _pki = pki;
        _serverCertificate = serverCertificate;
    }

    /// <summary>Every request's method and path, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Reports stored, by id, with the attestation verdict.</summary>
    public ConcurrentDictionary<Guid, string> Reports { get; } = new();

    /// <summary>Submissions received (stored or duplicate).</summary>
    public int Submissions;

    /// <summary>The firmware event log (base64) attached to the last submission's quote; null when none was.</summary>
    public string? LastEventLog { get; private set; }

    /// <summary>When set, report submissions are refused with this status and a problem document.</summary>
    public HttpStatusCode? RefuseReports { get; set; }

    /// <summary>When set, the quote is checked against this report instead of the one sent (a tampered submission).</summary>
    public byte[]? SwapReportWith { get; set; }

    /// <summary>The id of the last credential challenge issued.</summary>
    public string? LastEnrollmentId { get; private set; }

    public int Port { get; private set; }

    public Uri Url => new($"https://localhost:{Port}/");

    /// <summary>Starts on a free port presenting <paramref name="serverCertificate"/> (default: the PKI's).</summary>
    public static async Task<FakeAggregator> Start(TestPki pki, X509Certificate2? serverCertificate = null)
    {
        var fake = new FakeAggregator(pki, serverCertificate);
        await fake.Listen(0);
        return fake;
    }

    /// <summary>Stops listening (the agent then finds nothing at the address); the aggregator's state is kept.</summary>
    public async Task Stop()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    /// <summary>Listens again on the same port with the same state.</summary>
    public Task Restart() => Listen(Port);

    private async Task Listen(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.UseHttps(https =>
        {
            https.ServerCertificate = _serverCertificate ?? _pki.Server;
            https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
            https.ClientCertificateValidation = (certificate, _, _) => _pki.Issued(certificate);
        })));
        _app = builder.Build();
        Map(_app);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Port = new Uri(address).Port;
    }

    /// <summary>A fresh one-time token pinning this aggregator's CA.</summary>
    public EnrollmentToken NewToken()
    {
        var token = EnrollmentToken.Create(_pki.Ca.RawData);
        _tokens[token.SecretHash] = true;
        return token;
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            Requests.Enqueue($"{context.Request.Method} {context.Request.Path}");
            await next();
        });
        app.MapGet(AgentProtocol.CaPath, () => Results.Text(_pki.Ca.ExportCertificatePem(), "application/x-pem-file"));
        app.MapPost(AgentProtocol.EnrollmentsPath, async (HttpContext context) =>
        {
            var request = await JsonSerializer.DeserializeAsync(context.Request.Body, ProtocolJsonContext.Default.EnrollmentRequest);
            if (request is null || !_tokens.TryRemove(EnrollmentToken.Parse(request.Token).SecretHash, out _))
                return Results.Problem(title: "Enrolment refused", detail: "the token is unknown, expired or already used", statusCode: 401);
            if (request.Tpm is null) return Issue(request.CertificateRequest, null);
            var ek = TpmtPublic.Parse(Convert.FromBase64String(request.Tpm.EkPublic));
            var ak = TpmtPublic.Parse(Convert.FromBase64String(request.Tpm.AkPublic));
            var secret = RandomNumberGenerator.GetBytes(32);
            var credential = CredentialMaker.Make(ek, ak.ComputeName(), secret);
            var enrollmentId = Guid.NewGuid().ToString("N");
            LastEnrollmentId = enrollmentId;
            _pending[enrollmentId] = (ak, secret, request.CertificateRequest, request.Hostname);
            return Results.Json(new EnrollmentResult(EnrollmentResult.ChallengeStatus, "pending",
                Challenge: new CredentialChallenge(enrollmentId, Convert.ToBase64String(credential.CredentialBlob), Convert.ToBase64String(credential.Secret))),
                ProtocolJsonContext.Default.EnrollmentResult);
        });
        app.MapPost(AgentProtocol.EnrollmentsPath + "/{id}/activation", async (string id, HttpContext context) =>
        {
            var request = await JsonSerializer.DeserializeAsync(context.Request.Body, ProtocolJsonContext.Default.ActivationRequest);
            if (request is null || !_pending.TryRemove(id, out var pending) ||
                !CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(request.Credential), pending.Secret))
                return Results.Problem(title: "Activation failed", detail: "the credential does not match", statusCode: 403);
            return Issue(pending.Csr, pending.Ak);
        });
        app.MapPost(AgentProtocol.NoncePath, (HttpContext context) =>
        {
            if (Agent(context) is not { } agent) return Results.Problem(title: "Client certificate required", statusCode: 401);
            var nonce = RandomNumberGenerator.GetBytes(EvidenceBinding.NonceLength);
            _nonces[agent] = nonce;
            return Results.Json(new NonceResponse(Convert.ToHexStringLower(nonce), DateTimeOffset.UtcNow + AgentProtocol.NonceLifetime),
                ProtocolJsonContext.Default.NonceResponse);
        });
        app.MapPost(AgentProtocol.ReportsPath, async (HttpContext context) =>
        {
            if (Agent(context) is not { } agent) return Results.Problem(title: "Client certificate required", statusCode: 401);
            Interlocked.Increment(ref Submissions);
            if (RefuseReports is { } status) return Results.Problem(title: "Report refused", detail: "the report does not match the schema", statusCode: (int)status);
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var submission = JsonSerializer.Deserialize(body.ToArray(), ProtocolJsonContext.Default.ReportSubmission)!;
            LastEventLog = submission.Attestation?.EventLog;
            using var document = JsonDocument.Parse(body.ToArray());
            using var swapped = SwapReportWith is null ? null : JsonDocument.Parse(SwapReportWith);
            var verdict = Verify(agent, swapped?.RootElement ?? document.RootElement.GetProperty("report"), submission.Attestation);
            if (verdict != "verified" && verdict != "absent") return Results.Problem(title: "Attestation failed", detail: verdict, statusCode: 422);
            var duplicate = !Reports.TryAdd(submission.Report.ReportId, verdict);
            return Results.Json(new SubmissionResult(submission.Report.ReportId, duplicate, verdict, submission.Report.Summary.Rand),
                ProtocolJsonContext.Default.SubmissionResult);
        });
    }

    private IResult Issue(string csr, TpmtPublic? ak)
    {
        var agentId = "agent-" + Guid.NewGuid().ToString("N")[..12];
        _agents[agentId] = ak;
        return Results.Json(new EnrollmentResult(EnrollmentResult.Issued, agentId, _pki.IssueClient(csr, agentId), _pki.Ca.ExportCertificatePem()),
            ProtocolJsonContext.Default.EnrollmentResult);
    }

    private string? Agent(HttpContext context) =>
        context.Connection.ClientCertificate?.GetNameInfo(X509NameType.SimpleName, false) is { } id && _agents.ContainsKey(id) ? id : null;

    /// <summary>What the real aggregator checks: the nonce is this agent's and fresh, and the quote binds it to the evidence sent.</summary>
    private string Verify(string agent, JsonElement report, QuoteAttestation? attestation)
    {
        var ak = _agents[agent];
        if (ak is null) return attestation is null ? "absent" : "a quote from an agent enrolled without a TPM";
        if (attestation is null) return "no quote";
        if (!_nonces.TryRemove(agent, out var nonce) || Convert.ToHexStringLower(nonce) != attestation.Nonce) return "unknown or reused nonce";
        var pcrs = new PcrBanks();
        foreach (var (bank, values) in attestation.Pcrs)
            foreach (var (index, hex) in values)
                pcrs.Set(TpmHash.FromName(bank)!.Value, int.Parse(index), Convert.FromHexString(hex));
        var expected = EvidenceBinding.QualifyingData(nonce, EvidenceBinding.EvidenceDigest(report));
        var result = QuoteVerifier.Verify(Convert.FromBase64String(attestation.Quoted), TpmtSignature.Parse(Convert.FromBase64String(attestation.Signature)),
            ak, expected, PcrSelection.Parse(AgentProtocol.QuotePcrs), pcrs);
        return result.Verified ? "verified" : string.Join("; ", result.Problems);
    }

    public async ValueTask DisposeAsync() => await Stop();
}
