using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Protocol;
using WeightGuard.Core.Reports;
using WeightGuard.Testing;

namespace WeightGuard.Aggregator.Tests;

/// <summary>Reports over mutual TLS: identity, nonces, quotes from swtpm, re-evaluation, idempotency, hostile bodies.</summary>
[NonParallelizable]
public sealed class ReportIngestTests
{
    private TestAggregator _aggregator = null!;
    private SwtpmIdentity _tpm = null!;
    private TestAgent _agent = null!;

    [SetUp]
    public async Task SetUp()
    {
        _aggregator = await TestAggregator.StartAsync(Swtpm.Shared.CaDirectory);
        _tpm = new SwtpmIdentity();
        _agent = new TestAgent(_aggregator, _tpm);
        await _agent.EnrollAsync(await _aggregator.EnrollmentTokenAsync());
    }

    [TearDown]
    public async Task TearDown()
    {
        _agent.Dispose();
        _tpm.Dispose();
        await _aggregator.DisposeAsync();
    }

    private Report NewReport() => TestReports.Create("gpu-test-01", _aggregator.Clock.GetUtcNow());

    [Test]
    public async Task AttestedReportIsVerifiedReJudgedAndListed()
    {
        var report = NewReport();
        var result = await _agent.ReportAsync(report);
        Assert.Multiple(() =>
        {
            Assert.That(result.ReportId, Is.EqualTo(report.ReportId));
            Assert.That(result.Duplicate, Is.False);
            Assert.That(result.Attestation, Is.EqualTo("verified"));
            Assert.That(result.Rand, Is.EqualTo(report.Summary.Rand), "no waivers or attestations: the aggregator's ladder agrees with the agent's");
        });
        var host = (await _aggregator.Store.ListHostsAsync(new HostQuery())).Hosts.Single();
        Assert.That(host.AgentId, Is.EqualTo(_agent.AgentId));
        Assert.That(host.Latest!.ReportId, Is.EqualTo(report.ReportId));
        Assert.That(host.Latest.Attestation, Is.EqualTo("verified"));
    }

    [Test]
    public async Task AgentClaimingPassWhereItsEvidenceSaysFailIsStoredAsFail()
    {
        var honest = NewReport();
        Assert.That(honest.Results.Single(r => r.ControlId == "WG-TPM-001").Status.ToString(), Is.EqualTo("Fail"), "the evidence says no TPM");
        var lying = TestReports.ClaimingPass(honest);
        var result = await _agent.ReportAsync(lying);
        Assert.That(result.Rand, Is.EqualTo(honest.Summary.Rand));
        Assert.That(result.Rand.HostControlsMet, Is.EqualTo("SL0"), "WG-TPM-001 is an SL1 control");
        var detail = await _aggregator.Store.GetHostAsync(_agent.AgentId!, 10);
        var verdict = detail!.Verdicts.Single(v => v.ControlId == "WG-TPM-001");
        Assert.Multiple(() =>
        {
            Assert.That(verdict.Status, Is.EqualTo("fail"));
            Assert.That(verdict.Profile, Is.EqualTo(TestReports.Profile));
            Assert.That(detail.History.Single().AgentRand, Is.EqualTo("SL5"), "what the agent claimed is kept");
            Assert.That(detail.History.Single().Judgement.Rand, Is.EqualTo(honest.Summary.Rand));
        });
    }

    [Test]
    public async Task SameReportTwiceIsStoredOnce()
    {
        var nonce = (await _agent.NonceAsync()).Nonce;
        var submission = _agent.Quote(NewReport(), nonce);
        var first = await TestAgent.Read(await _agent.SubmitAsync(submission), ProtocolJsonContext.Default.SubmissionResult);
        var again = await TestAgent.Read(await _agent.SubmitAsync(submission), ProtocolJsonContext.Default.SubmissionResult);
        Assert.That(first.Duplicate, Is.False);
        Assert.That(again.Duplicate, Is.True);
        Assert.That(again.Rand, Is.EqualTo(first.Rand));
        Assert.That((await _aggregator.Store.GetHostAsync(_agent.AgentId!, 10))!.History, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ReplayedNonceIsRefused()
    {
        var nonce = (await _agent.NonceAsync()).Nonce;
        await TestAgent.Read(await _agent.SubmitAsync(_agent.Quote(NewReport(), nonce)), ProtocolJsonContext.Default.SubmissionResult);
        await ProblemAssert.IsProblemAsync(await _agent.SubmitAsync(_agent.Quote(NewReport(), nonce)), HttpStatusCode.Forbidden, "already used");
    }

    [Test]
    public async Task AnotherAgentsNonceIsRefused()
    {
        using var other = new TestAgent(_aggregator, _tpm);
        await other.EnrollAsync(await _aggregator.EnrollmentTokenAsync());
        var theirs = (await other.NonceAsync()).Nonce;
        await ProblemAssert.IsProblemAsync(await _agent.SubmitAsync(_agent.Quote(NewReport(), theirs)), HttpStatusCode.Forbidden, "another agent");
    }

    [Test]
    public async Task ExpiredNonceIsRefused()
    {
        var nonce = (await _agent.NonceAsync()).Nonce;
        _aggregator.Clock.Advance(AgentProtocol.NonceLifetime + TimeSpan.FromSeconds(1));
        await ProblemAssert.IsProblemAsync(await _agent.SubmitAsync(_agent.Quote(NewReport(), nonce)), HttpStatusCode.Forbidden, "expired");
    }

    [Test]
    public async Task NonceNeverIssuedIsRefused()
    {
        var invented = Convert.ToHexStringLower(new byte[32]);
        await ProblemAssert.IsProblemAsync(await _agent.SubmitAsync(_agent.Quote(NewReport(), invented)), HttpStatusCode.Forbidden, "not issued");
    }

    [Test]
    public async Task EvidenceChangedAfterQuotingIsRefused()
    {
        var nonce = (await _agent.NonceAsync()).Nonce;
        var quoted = _agent.Quote(NewReport(), nonce);
        var changed = quoted with { Report = quoted.Report with { Evidence = quoted.Report.Evidence with { Tpm = quoted.Report.Evidence.Tpm! with { Present = true } } } };
        await ProblemAssert.IsProblemAsync(await _agent.SubmitAsync(changed), HttpStatusCode.Forbidden, "extraData");
    }

    [Test]
    public async Task EvidenceDigestIsTakenFromTheReceivedJsonNotAReserialisation()
    {
        // Members reordered and spaced differently: the canonical form, and so the quote, still match.
        var nonce = (await _agent.NonceAsync()).Nonce;
        var submission = _agent.Quote(NewReport(), nonce);
        var node = JsonNode.Parse(JsonSerializer.Serialize(submission, ProtocolJsonContext.Default.ReportSubmission))!;
        var evidence = node["report"]!["evidence"]!.AsObject();
        var reordered = new JsonObject(evidence.Reverse().Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));
        node["report"]!["evidence"] = reordered;
        var response = await _agent.Client.PostAsync(AgentProtocol.ReportsPath,
            new StringContent(node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), Encoding.UTF8, "application/json"));
        Assert.That((await TestAgent.Read(response, ProtocolJsonContext.Default.SubmissionResult)).Attestation, Is.EqualTo("verified"));
    }

    [Test]
    public async Task PcrValuesThatDoNotMatchTheQuoteAreRefused()
    {
        var nonce = (await _agent.NonceAsync()).Nonce;
        var quoted = _agent.Quote(NewReport(), nonce);
        var pcrs = quoted.Attestation!.Pcrs.ToDictionary(b => b.Key,
            b => (IReadOnlyDictionary<string, string>)b.Value.ToDictionary(p => p.Key, p => p.Key == "7" ? new string('a', 64) : p.Value));
        await ProblemAssert.IsProblemAsync(await _agent.SubmitAsync(quoted with { Attestation = quoted.Attestation with { Pcrs = pcrs } }),
            HttpStatusCode.Forbidden, "pcrDigest");
    }

    private static string EventLog(string name) => Path.Combine(RepoPaths.SharedTestData, "tpm-eventlogs", name);

    [Test]
    public async Task EventLogThatReplaysToTheQuotedPcrsIsAccepted()
    {
        var log = EventLog("event-sd-boot-fedora37.bin");
        SwtpmIdentity.ExtendQuotedPcrsOnce(log);
        var nonce = (await _agent.NonceAsync()).Nonce;
        var quoted = _agent.Quote(NewReport(), nonce);
        var withLog = quoted with { Attestation = quoted.Attestation! with { EventLog = Convert.ToBase64String(File.ReadAllBytes(log)) } };
        Assert.That((await TestAgent.Read(await _agent.SubmitAsync(withLog), ProtocolJsonContext.Default.SubmissionResult)).Attestation, Is.EqualTo("verified"));
    }

    [Test]
    public async Task EventLogThatDoesNotReplayToTheQuotedPcrsIsRefused()
    {
        var nonce = (await _agent.NonceAsync()).Nonce;
        var quoted = _agent.Quote(NewReport(), nonce);
        var otherBoot = Convert.ToBase64String(File.ReadAllBytes(EventLog("event-arch-linux.bin")));
        await ProblemAssert.IsProblemAsync(await _agent.SubmitAsync(quoted with { Attestation = quoted.Attestation! with { EventLog = otherBoot } }),
            HttpStatusCode.Forbidden, "does not replay");
    }

    [Test]
    public async Task TruncatedEventLogIsABadRequest()
    {
        var nonce = (await _agent.NonceAsync()).Nonce;
        var quoted = _agent.Quote(NewReport(), nonce);
        var bytes = File.ReadAllBytes(EventLog("event-arch-linux.bin"));
        var truncated = Convert.ToBase64String(bytes[..(bytes.Length / 3)]);
        await ProblemAssert.IsProblemAsync(await _agent.SubmitAsync(quoted with { Attestation = quoted.Attestation! with { EventLog = truncated } }),
            HttpStatusCode.BadRequest, "attestation.eventLog");
    }

    [Test]
    public async Task TpmAgentMustAttest()
    {
        await ProblemAssert.IsProblemAsync(await _agent.SubmitAsync(new ReportSubmission(NewReport())), HttpStatusCode.BadRequest, "must carry an attestation");
    }

    [Test]
    public async Task AgentWithoutTpmReportsWithAttestationAbsent()
    {
        using var plain = new TestAgent(_aggregator);
        await plain.EnrollAsync(await _aggregator.EnrollmentTokenAsync());
        var result = await plain.ReportAsync(NewReport());
        Assert.That(result.Attestation, Is.EqualTo("absent"));
    }

    [Test]
    public async Task AgentWithoutTpmCannotClaimAnAttestation()
    {
        using var plain = new TestAgent(_aggregator);
        await plain.EnrollAsync(await _aggregator.EnrollmentTokenAsync());
        var borrowed = _agent.Quote(NewReport(), (await _agent.NonceAsync()).Nonce);
        await ProblemAssert.IsProblemAsync(await plain.SubmitAsync(borrowed), HttpStatusCode.BadRequest, "enrolled without a TPM");
    }

    [Test]
    public async Task UnenrolledClientIsRefused()
    {
        // A certificate from another aggregator's CA, for an agent id this aggregator never enrolled.
        await using var elsewhere = await TestAggregator.StartAsync();
        using var stranger = new TestAgent(elsewhere);
        await stranger.EnrollAsync(await elsewhere.EnrollmentTokenAsync());
        using var client = _aggregator.Client(stranger.Certificate);
        await ProblemAssert.IsProblemAsync(await client.PostAsync(AgentProtocol.NoncePath, null), HttpStatusCode.Unauthorized, "not issued by this aggregator");
    }

    [Test]
    public async Task ClientCertificatePastItsValidityIsRefusedEvenAfterItWasAccepted()
    {
        Assert.That((await _agent.NonceAsync()).Nonce, Has.Length.EqualTo(64));
        _aggregator.Clock.Advance(TimeSpan.FromDays(366));
        await ProblemAssert.IsProblemAsync(await _agent.Client.PostAsync(AgentProtocol.NoncePath, null), HttpStatusCode.Unauthorized, "expired");
    }

    [Test]
    public async Task ClientWithoutCertificateIsRefused()
    {
        using var client = _aggregator.Client();
        await ProblemAssert.IsProblemAsync(await client.PostAsync(AgentProtocol.NoncePath, null), HttpStatusCode.Unauthorized, "client certificate");
    }

    [Test]
    public async Task RevokedAgentIsRefused()
    {
        using var admin = _aggregator.Client(bearer: _aggregator.AdminToken);
        Assert.That((await admin.PostAsync($"/api/v1/agents/{_agent.AgentId}/revoke", null)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await ProblemAssert.IsProblemAsync(await _agent.Client.PostAsync(AgentProtocol.NoncePath, null), HttpStatusCode.Unauthorized, "revoked");
    }

    [Test]
    public async Task OversizedBodyIsRefusedWith413()
    {
        var body = new byte[AgentProtocol.MaxSubmissionBytes + 1];
        Array.Fill(body, (byte)' ');
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        // Expect: 100-continue lets the client hear the refusal before it streams 8 MiB into a closed connection.
        using var request = new HttpRequestMessage(HttpMethod.Post, AgentProtocol.ReportsPath) { Content = content };
        request.Headers.ExpectContinue = true;
        await ProblemAssert.IsProblemAsync(await _agent.Client.SendAsync(request), HttpStatusCode.RequestEntityTooLarge, "limit");
    }

    [TestCase("{", "not JSON")]
    [TestCase("[]", "schema")]
    [TestCase("{\"report\": 7}", "schema")]
    [TestCase("{\"report\": {\"schema\": \"weightguard.report/v1\"}}", "schema")]
    [TestCase("null", "null")]
    public async Task MalformedBodyIsABadRequest(string json, string detail)
    {
        var response = await _agent.Client.PostAsync(AgentProtocol.ReportsPath, new StringContent(json, Encoding.UTF8, "application/json"));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, detail);
    }

    [TestCase("results", "$.report.results[0]")]
    [TestCase("failures", "$.report.evidence.failures[0]")]
    public async Task NullInAListIsABadRequest(string list, string path)
    {
        var nonce = (await _agent.NonceAsync()).Nonce;
        var node = JsonNode.Parse(JsonSerializer.Serialize(_agent.Quote(NewReport(), nonce), ProtocolJsonContext.Default.ReportSubmission))!;
        var parent = list == "results" ? node["report"]! : node["report"]!["evidence"]!;
        parent[list] = new JsonArray((JsonNode?)null);
        var response = await _agent.Client.PostAsync(AgentProtocol.ReportsPath, new StringContent(node.ToJsonString(), Encoding.UTF8, "application/json"));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, path);
    }

    [Test]
    public async Task NullPcrValueIsABadRequest()
    {
        var nonce = (await _agent.NonceAsync()).Nonce;
        var node = JsonNode.Parse(JsonSerializer.Serialize(_agent.Quote(NewReport(), nonce), ProtocolJsonContext.Default.ReportSubmission))!;
        node["attestation"]!["pcrs"]!["sha256"]!["0"] = null;
        var response = await _agent.Client.PostAsync(AgentProtocol.ReportsPath, new StringContent(node.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.That((int)response.StatusCode, Is.EqualTo(400), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task TruncatedReportIsABadRequest()
    {
        var nonce = (await _agent.NonceAsync()).Nonce;
        var json = JsonSerializer.Serialize(_agent.Quote(NewReport(), nonce), ProtocolJsonContext.Default.ReportSubmission);
        var response = await _agent.Client.PostAsync(AgentProtocol.ReportsPath, new StringContent(json[..(json.Length / 2)], Encoding.UTF8, "application/json"));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "not JSON");
    }

    [Test]
    public async Task DeeplyNestedBodyIsABadRequest()
    {
        var json = new string('[', 10_000) + new string(']', 10_000);
        var response = await _agent.Client.PostAsync(AgentProtocol.ReportsPath, new StringContent(json, Encoding.UTF8, "application/json"));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "not JSON");
    }

    [Test]
    public async Task NonJsonContentTypeIsRefused()
    {
        var response = await _agent.Client.PostAsync(AgentProtocol.ReportsPath, new StringContent("{}", Encoding.UTF8, "text/plain"));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [TestCase("quoted", "AAAA")]
    [TestCase("signature", "AAAA")]
    [TestCase("signature", "%%%")]
    [TestCase("nonce", "zz")]
    public async Task MalformedAttestationFieldsAreBadRequests(string field, string value)
    {
        var nonce = (await _agent.NonceAsync()).Nonce;
        var quoted = _agent.Quote(NewReport(), nonce);
        var a = quoted.Attestation!;
        var broken = field switch
        {
            "quoted" => a with { Quoted = value },
            "signature" => a with { Signature = value },
            _ => a with { Nonce = value },
        };
        var response = await _agent.SubmitAsync(quoted with { Attestation = broken });
        Assert.That((int)response.StatusCode, Is.InRange(400, 499), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task ProfileTheAgentScannedWithPlaysNoPartInTheJudgement()
    {
        // The host never picks its own bar: a profile this aggregator does not know is only what the agent printed.
        var report = NewReport();
        var result = await _agent.ReportAsync(report with { Profile = report.Profile with { Id = "made-up" } });
        Assert.That(result.Rand, Is.EqualTo(report.Summary.Rand));
        var host = (await _aggregator.Store.GetHostAsync(_agent.AgentId!, 10))!;
        Assert.Multiple(() =>
        {
            Assert.That(host.History.Single().ProfileId, Is.EqualTo("made-up"));
            Assert.That(host.Host.Assessments.Select(a => (a.Profile, a.Assigned)), Is.EqualTo(new[] { ("rand-sl1", false) }), "no policy: rand-sl1, unassigned");
            Assert.That(host.Verdicts.Select(v => v.Profile).Distinct(), Is.EqualTo(new[] { "rand-sl1" }));
        });
    }
}
