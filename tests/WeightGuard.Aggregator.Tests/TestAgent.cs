using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using WeightGuard.Core.Protocol;
using WeightGuard.Core.Reports;

namespace WeightGuard.Aggregator.Tests;

/// <summary>
/// The agent's side of the protocol, written against the contract types: enrol (with or without a TPM), ask for a
/// nonce, quote, submit. Each step is exposed so that tests can break exactly one thing.
/// </summary>
internal sealed class TestAgent : IDisposable
{
    private readonly Func<X509Certificate2?, HttpClient> _connect;
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>An agent of <paramref name="aggregator"/> that enrols as <paramref name="hostname"/>.</summary>
    public TestAgent(TestAggregator aggregator, SwtpmIdentity? tpm = null, string hostname = "gpu-test-01")
        : this(certificate => aggregator.Client(certificate), tpm, hostname)
    {
    }

    /// <summary>An agent reaching its aggregator through <paramref name="connect"/> (a client presenting the certificate given, if any).</summary>
    public TestAgent(Func<X509Certificate2?, HttpClient> connect, SwtpmIdentity? tpm = null, string hostname = "gpu-test-01")
    {
        _connect = connect;
        Tpm = tpm;
        Hostname = hostname;
    }

    /// <summary>The name it enrols with: its identity at the aggregator.</summary>
    public string Hostname { get; }

    public SwtpmIdentity? Tpm { get; }
    public string? AgentId { get; private set; }
    public X509Certificate2? Certificate { get; private set; }
    public HttpClient Client { get; private set; } = null!;

    public string CertificateRequest() =>
        new CertificateRequest("CN=weightguard-agent", _key, HashAlgorithmName.SHA256).CreateSigningRequestPem();

    public EnrollmentRequest Request(string token, bool ekCertificate = true) =>
        new(token, CertificateRequest(), Hostname, "0123456789abcdef", Tpm?.Enrollment(ekCertificate));

    /// <summary>Posts an enrolment request as is; returns the response.</summary>
    public async Task<HttpResponseMessage> PostEnrollmentAsync(EnrollmentRequest request)
    {
        using var anonymous = _connect(null);
        return await anonymous.PostAsync(AgentProtocol.EnrollmentsPath, Json(request, ProtocolJsonContext.Default.EnrollmentRequest));
    }

    /// <summary>Enrols completely (activating the credential with the TPM when there is one) and keeps the certificate.</summary>
    public async Task EnrollAsync(string token)
    {
        using var anonymous = _connect(null);
        var caPem = await anonymous.GetStringAsync(AgentProtocol.CaPath);
        using (var ca = X509Certificate2.CreateFromPem(caPem))
            Assert.That(EnrollmentToken.Parse(token).Pins(ca.RawData), "the token pins the aggregator's CA");
        var response = await PostEnrollmentAsync(Request(token));
        var result = await Read(response, ProtocolJsonContext.Default.EnrollmentResult);
        if (result.Status == EnrollmentResult.ChallengeStatus)
        {
            var credential = Tpm!.Activate(result.Challenge!);
            var activation = await anonymous.PostAsync(AgentProtocol.ActivationPath(result.Challenge!.EnrollmentId),
                Json(new ActivationRequest(Convert.ToBase64String(credential)), ProtocolJsonContext.Default.ActivationRequest));
            result = await Read(activation, ProtocolJsonContext.Default.EnrollmentResult);
        }
        Assert.That(result.Status, Is.EqualTo(EnrollmentResult.Issued));
        Adopt(result);
    }

    /// <summary>Keeps an issued certificate and opens the mTLS client with it.</summary>
    public void Adopt(EnrollmentResult issued)
    {
        AgentId = issued.AgentId;
        using var certificate = X509Certificate2.CreateFromPem(issued.Certificate!);
        using var withKey = certificate.CopyWithPrivateKey(_key);
        Certificate = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        Client = _connect(Certificate);
    }

    public async Task<NonceResponse> NonceAsync() =>
        await Read(await Client.PostAsync(AgentProtocol.NoncePath, null), ProtocolJsonContext.Default.NonceResponse);

    /// <summary>A submission quoted over <paramref name="nonce"/> and the report's evidence (no attestation without a TPM).</summary>
    public ReportSubmission Quote(Report report, string? nonce)
    {
        if (Tpm is null || nonce is null) return new ReportSubmission(report);
        var element = JsonSerializer.SerializeToElement(report, WeightGuardJsonContext.Default.Report);
        var qualifying = EvidenceBinding.QualifyingData(Convert.FromHexString(nonce), EvidenceBinding.EvidenceDigest(element));
        return new ReportSubmission(report, Tpm.Quote(nonce, qualifying));
    }

    public Task<HttpResponseMessage> SubmitAsync(ReportSubmission submission) =>
        Client.PostAsync(AgentProtocol.ReportsPath, Json(submission, ProtocolJsonContext.Default.ReportSubmission));

    /// <summary>Submits <paramref name="report"/> quoted over <paramref name="nonce"/> through <paramref name="client"/> (another instance's, say).</summary>
    public Task<HttpResponseMessage> SubmitAsync(Report report, string nonce, HttpClient client) =>
        client.PostAsync(AgentProtocol.ReportsPath, Json(Quote(report, nonce), ProtocolJsonContext.Default.ReportSubmission));

    /// <summary>The whole round: nonce, quote, submit; the aggregator's answer.</summary>
    public async Task<SubmissionResult> ReportAsync(Report report)
    {
        var nonce = Tpm is null ? null : (await NonceAsync()).Nonce;
        return await Read(await SubmitAsync(Quote(report, nonce)), ProtocolJsonContext.Default.SubmissionResult);
    }

    public static StringContent Json<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        new(JsonSerializer.Serialize(value, type), Encoding.UTF8, "application/json");

    public static async Task<T> Read<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize(body, type)!;
    }

    public void Dispose()
    {
        Client?.Dispose();
        Certificate?.Dispose();
        _key.Dispose();
    }
}
