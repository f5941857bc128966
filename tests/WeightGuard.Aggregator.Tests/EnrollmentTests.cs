using System.Net;
using System.Text.Json;
using WeightGuard.Core.Protocol;
using WeightGuard.Testing;

namespace WeightGuard.Aggregator.Tests;

/// <summary>Enrolment over real TLS: tokens, certificate requests, and TPM credential activation with swtpm.</summary>
[NonParallelizable]
public sealed class EnrollmentTests
{
    private TestAggregator _aggregator = null!;

    [SetUp]
    public async Task SetUp() => _aggregator = await TestAggregator.StartAsync(
        ExternalTool.Find("swtpm") is null ? null : Swtpm.Shared.CaDirectory);

    [TearDown]
    public async Task TearDown() => await _aggregator.DisposeAsync();

    [Test]
    public async Task HostWithoutTpmGetsAClientCertificateForANewAgentId()
    {
        using var agent = new TestAgent(_aggregator);
        await agent.EnrollAsync(await _aggregator.EnrollmentTokenAsync());
        Assert.Multiple(() =>
        {
            Assert.That(Guid.TryParse(agent.AgentId, out _));
            Assert.That(agent.Certificate!.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false), Is.EqualTo(agent.AgentId));
            Assert.That(agent.Certificate.Issuer, Is.EqualTo(_aggregator.CaCertificate.Subject));
        });
        var stored = await _aggregator.Store.GetAgentAsync(agent.AgentId!);
        Assert.That(stored!.AkPublic, Is.Null);
    }

    [Test]
    public async Task TpmHostActivatesTheCredentialAndIsRecordedAsEkCertified()
    {
        using var tpm = new SwtpmIdentity();
        using var agent = new TestAgent(_aggregator, tpm);
        await agent.EnrollAsync(await _aggregator.EnrollmentTokenAsync());
        var stored = await _aggregator.Store.GetAgentAsync(agent.AgentId!);
        Assert.That(stored!.EkCertified, Is.True);
        Assert.That(stored.AkPublic, Is.Not.Null);
    }

    [Test]
    public async Task TpmHostWithoutEkCertificateIsAcceptedAsNotCertified()
    {
        using var tpm = new SwtpmIdentity();
        using var agent = new TestAgent(_aggregator, tpm);
        var result = await TestAgent.Read(await agent.PostEnrollmentAsync(agent.Request(await _aggregator.EnrollmentTokenAsync(), ekCertificate: false)),
            ProtocolJsonContext.Default.EnrollmentResult);
        using var client = _aggregator.Client();
        var issued = await TestAgent.Read(await client.PostAsync(AgentProtocol.ActivationPath(result.Challenge!.EnrollmentId),
            TestAgent.Json(new ActivationRequest(Convert.ToBase64String(tpm.Activate(result.Challenge))), ProtocolJsonContext.Default.ActivationRequest)),
            ProtocolJsonContext.Default.EnrollmentResult);
        Assert.That((await _aggregator.Store.GetAgentAsync(issued.AgentId))!.EkCertified, Is.False);
    }

    [Test]
    public async Task AggregatorThatRequiresEkCertificatesRefusesOneWithout()
    {
        await using var strict = await TestAggregator.StartAsync(Swtpm.Shared.CaDirectory, requireEkCertificate: true);
        using var tpm = new SwtpmIdentity();
        using var agent = new TestAgent(strict, tpm);
        await ProblemAssert.IsProblemAsync(await agent.PostEnrollmentAsync(agent.Request(await strict.EnrollmentTokenAsync(), ekCertificate: false)),
            HttpStatusCode.BadRequest, "requires an EK certificate");
    }

    [Test]
    public async Task EkCertificateFromAnUnknownManufacturerIsRefused()
    {
        await using var noManufacturers = await TestAggregator.StartAsync();
        using var tpm = new SwtpmIdentity();
        using var agent = new TestAgent(noManufacturers, tpm);
        await ProblemAssert.IsProblemAsync(await agent.PostEnrollmentAsync(agent.Request(await noManufacturers.EnrollmentTokenAsync())),
            HttpStatusCode.BadRequest, "does not chain to a TPM manufacturer CA");
    }

    [Test]
    public async Task WrongCredentialIsRefusedAndTheChallengeIsSpent()
    {
        using var tpm = new SwtpmIdentity();
        using var agent = new TestAgent(_aggregator, tpm);
        var result = await TestAgent.Read(await agent.PostEnrollmentAsync(agent.Request(await _aggregator.EnrollmentTokenAsync())),
            ProtocolJsonContext.Default.EnrollmentResult);
        using var client = _aggregator.Client();
        var wrong = TestAgent.Json(new ActivationRequest(Convert.ToBase64String(new byte[32])), ProtocolJsonContext.Default.ActivationRequest);
        await ProblemAssert.IsProblemAsync(await client.PostAsync(AgentProtocol.ActivationPath(result.Challenge!.EnrollmentId), wrong),
            HttpStatusCode.Forbidden, "not in the TPM that holds the endorsement key");
        var right = TestAgent.Json(new ActivationRequest(Convert.ToBase64String(tpm.Activate(result.Challenge))), ProtocolJsonContext.Default.ActivationRequest);
        await ProblemAssert.IsProblemAsync(await client.PostAsync(AgentProtocol.ActivationPath(result.Challenge.EnrollmentId), right),
            HttpStatusCode.NotFound);
    }

    [Test]
    public async Task AkThatIsNotARestrictedSigningKeyIsRefused()
    {
        using var tpm = new SwtpmIdentity();
        using var agent = new TestAgent(_aggregator, tpm);
        var request = agent.Request(await _aggregator.EnrollmentTokenAsync());
        // The EK offered as the AK: a decryption key, not an attestation key.
        var forged = request with { Tpm = request.Tpm! with { AkPublic = request.Tpm.EkPublic } };
        await ProblemAssert.IsProblemAsync(await agent.PostEnrollmentAsync(forged), HttpStatusCode.BadRequest, "not those of an attestation key");
    }

    [Test]
    public async Task TokenCannotEnrolTwiceEvenWhenTheFirstEnrolmentNeverFinished()
    {
        using var tpm = new SwtpmIdentity();
        using var agent = new TestAgent(_aggregator, tpm);
        var token = await _aggregator.EnrollmentTokenAsync();
        var first = await agent.PostEnrollmentAsync(agent.Request(token));
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await ProblemAssert.IsProblemAsync(await agent.PostEnrollmentAsync(agent.Request(token)), HttpStatusCode.Forbidden, "used up");
    }

    [Test]
    public async Task TokenWithSeveralUsesEnrolsThatManyAgents()
    {
        var token = await _aggregator.EnrollmentTokenAsync(uses: 2);
        using var a = new TestAgent(_aggregator);
        using var b = new TestAgent(_aggregator);
        using var c = new TestAgent(_aggregator);
        await a.EnrollAsync(token);
        await b.EnrollAsync(token);
        Assert.That(a.AgentId, Is.Not.EqualTo(b.AgentId));
        await ProblemAssert.IsProblemAsync(await c.PostEnrollmentAsync(c.Request(token)), HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task ExpiredTokenIsRefused()
    {
        var token = await _aggregator.EnrollmentTokenAsync(lifetime: TimeSpan.FromMinutes(10));
        _aggregator.Clock.Advance(TimeSpan.FromMinutes(11));
        using var agent = new TestAgent(_aggregator);
        await ProblemAssert.IsProblemAsync(await agent.PostEnrollmentAsync(agent.Request(token)), HttpStatusCode.Forbidden, "expired");
    }

    [Test]
    public async Task TokenPinningAnotherCaIsRefused()
    {
        var foreign = EnrollmentToken.Create(new byte[] { 1, 2, 3 }).ToString();
        using var agent = new TestAgent(_aggregator);
        await ProblemAssert.IsProblemAsync(await agent.PostEnrollmentAsync(agent.Request(foreign)), HttpStatusCode.BadRequest, "another aggregator");
    }

    [TestCase("not-a-token")]
    [TestCase("wg1.AAAA.BBBB")]
    [TestCase("")]
    public async Task MalformedTokenIsABadRequest(string token)
    {
        using var agent = new TestAgent(_aggregator);
        await ProblemAssert.IsProblemAsync(await agent.PostEnrollmentAsync(agent.Request(token)), HttpStatusCode.BadRequest, "token");
    }

    [Test]
    public async Task CertificateRequestWhoseSignatureDoesNotVerifyIsRefused()
    {
        using var agent = new TestAgent(_aggregator);
        var request = agent.Request(await _aggregator.EnrollmentTokenAsync());
        var der = Convert.FromBase64String(string.Concat(request.CertificateRequest.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal))));
        der[^5] ^= 0xff; // inside the signature
        var tampered = request with { CertificateRequest = $"-----BEGIN CERTIFICATE REQUEST-----\n{Convert.ToBase64String(der)}\n-----END CERTIFICATE REQUEST-----\n" };
        await ProblemAssert.IsProblemAsync(await agent.PostEnrollmentAsync(tampered), HttpStatusCode.BadRequest, "certificateRequest");
    }

    [TestCase("AAAA", "tpm.ekPublic")]
    [TestCase("not base64!", "tpm.ekPublic")]
    public async Task MalformedTpmKeysAreBadRequests(string ekPublic, string field)
    {
        using var tpm = new SwtpmIdentity();
        using var agent = new TestAgent(_aggregator, tpm);
        var request = agent.Request(await _aggregator.EnrollmentTokenAsync());
        await ProblemAssert.IsProblemAsync(await agent.PostEnrollmentAsync(request with { Tpm = request.Tpm! with { EkPublic = ekPublic } }),
            HttpStatusCode.BadRequest, field);
    }

    [Test]
    public async Task EkWithAShortModulusIsABadRequest()
    {
        using var tpm = new SwtpmIdentity();
        using var agent = new TestAgent(_aggregator, tpm);
        var request = agent.Request(await _aggregator.EnrollmentTokenAsync(), ekCertificate: false);
        var shortEk = WeightGuard.Tpm.TpmTemplates.EkRsa2048();
        var forged = new WeightGuard.Tpm.TpmtPublic
        {
            Type = shortEk.Type, NameAlg = shortEk.NameAlg, Attributes = shortEk.Attributes, AuthPolicy = shortEk.AuthPolicy,
            Symmetric = shortEk.Symmetric, KeyBits = 2048, Unique = new byte[16],
        };
        await ProblemAssert.IsProblemAsync(await agent.PostEnrollmentAsync(request with { Tpm = request.Tpm! with { EkPublic = Convert.ToBase64String(forged.ToBytes()) } }),
            HttpStatusCode.BadRequest, "not an endorsement key");
    }

    [Test]
    public async Task TruncatedAkPublicIsABadRequest()
    {
        using var tpm = new SwtpmIdentity();
        using var agent = new TestAgent(_aggregator, tpm);
        var request = agent.Request(await _aggregator.EnrollmentTokenAsync());
        var ak = Convert.FromBase64String(request.Tpm!.AkPublic);
        var truncated = request with { Tpm = request.Tpm with { AkPublic = Convert.ToBase64String(ak[..(ak.Length / 2)]) } };
        await ProblemAssert.IsProblemAsync(await agent.PostEnrollmentAsync(truncated), HttpStatusCode.BadRequest, "tpm.akPublic");
    }

    [Test]
    public async Task EnrolmentIsRateLimitedPerAddressWithAProblem()
    {
        await using var limited = await TestAggregator.StartAsync(enrollmentPermits: 2);
        using var agent = new TestAgent(limited);
        var request = agent.Request("not-a-token");
        for (var i = 0; i < 2; i++) Assert.That((await agent.PostEnrollmentAsync(request)).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        await ProblemAssert.IsProblemAsync(await agent.PostEnrollmentAsync(request), HttpStatusCode.TooManyRequests);
    }

    [Test]
    public async Task CaCertificateIsServedAsPem()
    {
        using var client = _aggregator.Client();
        var pem = await client.GetStringAsync(AgentProtocol.CaPath);
        Assert.That(pem, Does.StartWith("-----BEGIN CERTIFICATE-----"));
        using var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pem);
        Assert.That(ca.RawData, Is.EqualTo(_aggregator.CaCertificate.RawData));
    }

    [Test]
    public async Task UnknownFieldsAreRefusedBySchema()
    {
        using var agent = new TestAgent(_aggregator);
        using var client = _aggregator.Client();
        var json = JsonSerializer.Serialize(agent.Request(await _aggregator.EnrollmentTokenAsync()), ProtocolJsonContext.Default.EnrollmentRequest)
            .Replace("{", "{\"admin\":true,", StringComparison.Ordinal);
        await ProblemAssert.IsProblemAsync(await client.PostAsync(AgentProtocol.EnrollmentsPath,
            new StringContent(json, System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, "schema");
    }
}
