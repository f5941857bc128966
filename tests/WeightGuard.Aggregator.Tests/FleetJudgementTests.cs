using System.Net;
using System.Text;
using System.Text.Json;
using WeightGuard.Aggregator.Api;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Reports;

namespace WeightGuard.Aggregator.Tests;

/// <summary>
/// The fleet verdict decided centrally, through the real aggregator's API over TLS, on SQLite and PostgreSQL: the policy
/// assigns the profiles, manual attestations and waivers change the judgement at once, silence is stale, the enrolled name
/// is the identity, and history keeps what was judged at the time.
/// </summary>
[TestFixture("sqlite")]
[TestFixture("postgres")]
[NonParallelizable]
public sealed class FleetJudgementTests(string database)
{
    private const string Sl3Policy = "staleAfter: 2h\nassignments:\n  - hosts: \"gpu-*\"\n    profiles: [rand-sl3]\n";
    private TestAggregator _aggregator = null!;
    private HttpClient _admin = null!;
    private HttpClient _viewer = null!;
    private readonly List<IDisposable> _owned = [];

    /// <summary>Starts an aggregator on this fixture's database, judging with <paramref name="catalog"/>.</summary>
    private async Task StartAsync(Catalog? catalog = null, string? tpmCa = null)
    {
        _aggregator = await TestAggregator.StartAsync(tpmCa, catalog: catalog,
            database: database == "postgres" ? _ => "postgres:" + PostgresServer.Shared.CreateDatabase() : null);
        _admin = _aggregator.Client(bearer: _aggregator.AdminToken);
        _viewer = _aggregator.Client(bearer: await TokenAsync(Roles.Viewer));
    }

    [TearDown]
    public async Task TearDown()
    {
        foreach (var owned in _owned) owned.Dispose();
        _owned.Clear();
        _admin?.Dispose();
        _viewer?.Dispose();
        if (_aggregator is not null) await _aggregator.DisposeAsync();
    }

    private async Task<string> TokenAsync(string role, string name = "someone") =>
        await ApiTokens.CreateAsync(_aggregator.Store, name, role, _aggregator.Clock.GetUtcNow());

    private async Task<TestAgent> EnrolAsync(string hostname = "gpu-test-01", SwtpmIdentity? tpm = null)
    {
        var agent = new TestAgent(_aggregator, tpm, hostname);
        _owned.Add(agent);
        await agent.EnrollAsync(await _aggregator.EnrollmentTokenAsync());
        return agent;
    }

    private static StringContent Json(object value) => new(JsonSerializer.Serialize(value, JsonSerializerOptions.Web), Encoding.UTF8, "application/json");

    private async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    /// <summary>The host as <c>GET /api/v1/hosts</c> lists it.</summary>
    private async Task<JsonElement> ListedAsync(string agentId) =>
        (await GetAsync(_viewer, "/api/v1/hosts")).GetProperty("hosts").EnumerateArray().Single(h => h.GetProperty("agentId").GetString() == agentId);

    /// <summary><c>GET /api/v1/hosts/{agentId}</c>, after checking its host agrees with the list's.</summary>
    private async Task<JsonElement> DetailAsync(string agentId)
    {
        var detail = await GetAsync(_viewer, $"/api/v1/hosts/{agentId}");
        Assert.That(detail.GetProperty("host").GetRawText(), Is.EqualTo((await ListedAsync(agentId)).GetRawText()), "the list and the host agree");
        return detail;
    }

    private static JsonElement Assessment(JsonElement host, string profile) =>
        host.GetProperty("assessments").EnumerateArray().Single(a => a.GetProperty("profile").GetString() == profile);

    private static string Rand(JsonElement host) =>
        $"{host.GetProperty("rand").GetProperty("hostControlsMet").GetString()}/{host.GetProperty("rand").GetProperty("attested").GetString()}/{host.GetProperty("rand").GetProperty("pendingAttestations").GetInt32()}";

    private async Task<HttpResponseMessage> PutPolicyAsync(HttpClient client, string yaml) =>
        await client.PutAsync("/api/v1/policy", new StringContent(yaml, Encoding.UTF8, "application/yaml"));

    private async Task ApplyPolicyAsync(string yaml)
    {
        var response = await PutPolicyAsync(_admin, yaml);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task HostScannedAgainstSl2IsFailingForSl3OnceThePolicyAssignsIt()
    {
        await StartAsync();
        var agent = await EnrolAsync();
        var now = _aggregator.Clock.GetUtcNow();
        var report = TestReports.Create("gpu-test-01", now, "rand-sl2", TestReports.WeightFile(peopleRead: true));
        Assert.That(report.Results.Select(r => r.ControlId), Does.Not.Contain("WG-ACL-004"), "rand-sl2 does not ask who reads the weights");
        await agent.ReportAsync(report);

        var unassigned = await ListedAsync(agent.AgentId!);
        Assert.Multiple(() =>
        {
            Assert.That(unassigned.GetProperty("unassigned").GetBoolean(), Is.True);
            Assert.That(unassigned.GetProperty("assessments").EnumerateArray().Select(a => (a.GetProperty("profile").GetString(), a.GetProperty("assigned").GetBoolean())),
                Is.EqualTo(new[] { ("rand-sl1", false) }), "no policy: judged against rand-sl1, whatever the agent scanned with");
        });

        await ApplyPolicyAsync(Sl3Policy);
        var expected = Evaluator.Evaluate(TestReports.Catalog, "rand-sl3", report.Evidence, HostSubject.Named("gpu-test-01"), now).Summary;
        Assert.That(expected.Fail, Is.GreaterThan(0));
        var host = await ListedAsync(agent.AgentId!);
        var sl3 = Assessment(host, "rand-sl3");
        Assert.Multiple(() =>
        {
            Assert.That(host.GetProperty("assessments").GetArrayLength(), Is.EqualTo(1), "one assessment per assigned profile");
            Assert.That(host.GetProperty("unassigned").GetBoolean(), Is.False);
            Assert.That(host.GetProperty("state").GetString(), Is.EqualTo("failing"));
            Assert.That(sl3.GetProperty("state").GetString(), Is.EqualTo("failing"));
            Assert.That(sl3.GetProperty("assigned").GetBoolean(), Is.True);
            Assert.That(sl3.GetProperty("failed").GetInt32(), Is.EqualTo(expected.Fail));
            Assert.That(sl3.GetProperty("errors").GetInt32(), Is.EqualTo(expected.Error));
            Assert.That(sl3.GetProperty("passed").GetInt32(), Is.EqualTo(expected.Pass));
            Assert.That(sl3.GetProperty("pendingAttestations").GetInt32(), Is.EqualTo(expected.Manual));
            Assert.That(Rand(host), Is.EqualTo($"{expected.Rand.HostControlsMet}/{expected.Rand.Attested}/{expected.Rand.PendingAttestations}"),
                "the RAND standing is the ladder's, whatever is assigned");
            Assert.That(host.GetProperty("latestReport").GetProperty("scannedProfile").GetString(), Is.EqualTo("rand-sl2"));
        });

        var control = (await GetAsync(_viewer, "/api/v1/controls/WG-ACL-004/hosts")).EnumerateArray().Single();
        Assert.Multiple(() =>
        {
            Assert.That(control.GetProperty("agentId").GetString(), Is.EqualTo(agent.AgentId));
            Assert.That(control.GetProperty("profile").GetString(), Is.EqualTo("rand-sl3"));
            Assert.That(control.GetProperty("status").GetString(), Is.EqualTo("fail"));
        });
        var detail = await DetailAsync(agent.AgentId!);
        Assert.That(detail.GetProperty("verdicts").EnumerateArray().Count(v => v.GetProperty("status").GetString() == "fail"), Is.EqualTo(expected.Fail));
        Assert.That(detail.GetProperty("history").EnumerateArray().Single().GetProperty("judgement").GetProperty("assessments").EnumerateArray()
            .Select(a => a.GetProperty("profile").GetString()), Is.EqualTo(new[] { "rand-sl1" }), "history keeps what was judged when the report arrived");
    }

    [Test]
    public async Task PolicyIsCheckedReadAndAppliedOnlyByAdmins()
    {
        await StartAsync();
        var initial = await GetAsync(_viewer, "/api/v1/policy");
        Assert.Multiple(() =>
        {
            Assert.That(initial.GetProperty("staleAfter").GetInt64(), Is.EqualTo(3 * 3600));
            Assert.That(initial.GetProperty("assignments").GetArrayLength(), Is.Zero);
            Assert.That(initial.GetProperty("unassignedProfile").GetString(), Is.EqualTo("rand-sl1"));
            Assert.That(initial.GetProperty("updatedBy").ValueKind, Is.EqualTo(JsonValueKind.Null));
        });

        await ProblemAssert.IsProblemAsync(await PutPolicyAsync(_admin, "assignments:\n  - hosts: \"*\"\n    profiles: [rand-sl9]\n"), HttpStatusCode.BadRequest,
            "policy:3: unknown profile 'rand-sl9'");
        await ProblemAssert.IsProblemAsync(await PutPolicyAsync(_admin, "staleAfter: soon\n"), HttpStatusCode.BadRequest, "staleAfter");
        await ProblemAssert.IsProblemAsync(await PutPolicyAsync(_admin, "assignments:\n  - profiles: [rand-sl3]\n"), HttpStatusCode.BadRequest, "hosts");
        await ProblemAssert.IsProblemAsync(await PutPolicyAsync(_admin, "assignments: [\n"), HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(await PutPolicyAsync(_admin, new string('#', PolicyEndpoints.MaxPolicyBytes + 1)), HttpStatusCode.RequestEntityTooLarge);
        await ProblemAssert.IsProblemAsync(await PutPolicyAsync(_viewer, Sl3Policy), HttpStatusCode.Forbidden);
        using (var auditor = _aggregator.Client(bearer: await TokenAsync(Roles.Auditor)))
            await ProblemAssert.IsProblemAsync(await PutPolicyAsync(auditor, Sl3Policy), HttpStatusCode.Forbidden);
        Assert.That((await GetAsync(_viewer, "/api/v1/policy")).GetProperty("updatedBy").ValueKind, Is.EqualTo(JsonValueKind.Null), "nothing refused was applied");

        await ApplyPolicyAsync(Sl3Policy + "  - labels: {role: inference}\n    profiles: [rand-sl4, ncsc-secure-ai]\n");
        var applied = await GetAsync(_viewer, "/api/v1/policy");
        Assert.Multiple(() =>
        {
            Assert.That(applied.GetProperty("staleAfter").GetInt64(), Is.EqualTo(7200));
            Assert.That(applied.GetProperty("updatedBy").GetString(), Is.EqualTo("test admin"));
            Assert.That(applied.GetProperty("text").GetString(), Does.StartWith(Sl3Policy));
            var assignments = applied.GetProperty("assignments").EnumerateArray().ToList();
            Assert.That(assignments[0].GetProperty("hosts").GetString(), Is.EqualTo("gpu-*"));
            Assert.That(assignments[1].GetProperty("labels").GetProperty("role").GetString(), Is.EqualTo("inference"));
            Assert.That(assignments[1].GetProperty("profiles").EnumerateArray().Select(p => p.GetString()), Is.EqualTo(new[] { "rand-sl4", "ncsc-secure-ai" }));
        });
    }

    [Test]
    public async Task LabelledAssignmentsAddTheirProfilesToTheHostsTheyCover()
    {
        await StartAsync();
        var agent = await EnrolAsync();
        await agent.ReportAsync(TestReports.Create("gpu-test-01", _aggregator.Clock.GetUtcNow()));
        await ApplyPolicyAsync(Sl3Policy + "  - labels: {role: inference}\n    profiles: [rand-sl4, ncsc-secure-ai]\n");
        Assert.That((await ListedAsync(agent.AgentId!)).GetProperty("assessments").EnumerateArray().Select(a => a.GetProperty("profile").GetString()),
            Is.EqualTo(new[] { "rand-sl3" }));
        await _aggregator.Store.SetHostLabelsAsync(agent.AgentId!, ["role=inference"]);
        await agent.ReportAsync(TestReports.Create("gpu-test-01", _aggregator.Clock.GetUtcNow()));
        Assert.That((await ListedAsync(agent.AgentId!)).GetProperty("assessments").EnumerateArray().Select(a => a.GetProperty("profile").GetString()),
            Is.EquivalentTo(new[] { "rand-sl3", "rand-sl4", "ncsc-secure-ai" }), "the union of every assignment that covers it");
    }

    private object Attestation(string control, string expires, string hosts = "gpu-*") =>
        new { controlId = control, hosts, statement = $"{control} reviewed with the platform team", evidenceRef = "sha256:" + new string('c', 64), expires };

    private async Task<string> AttestAsync(HttpClient client, string control, string expires)
    {
        var response = await client.PostAsync("/api/v1/attestations", Json(Attestation(control, expires)));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return response.Headers.Location!.ToString();
    }

    [Test]
    public async Task ManualAttestationsRaiseTheAttestedLevelUntilTheyExpireOrAreWithdrawn()
    {
        await StartAsync(LadderCatalog.Catalog);
        var agent = await EnrolAsync();
        var now = _aggregator.Clock.GetUtcNow();
        await agent.ReportAsync(TestReports.Create("gpu-test-01", now, "rand-sl1", TestReports.WeightFile(peopleRead: false), LadderCatalog.Catalog));
        Assert.That(Rand(await ListedAsync(agent.AgentId!)), Is.EqualTo("SL5/SL0/4"), "every automated control passes; four manual controls unattested");

        using var auditor = _aggregator.Client(bearer: await TokenAsync(Roles.Auditor, "audrey auditor"));
        var ir = await AttestAsync(auditor, "WG-IR-001", now.AddDays(30).ToString("yyyy-MM-dd"));
        Assert.That(Rand(await ListedAsync(agent.AgentId!)), Is.EqualTo("SL5/SL1/3"), "at once, without a new report");
        _aggregator.Clock.Advance(TimeSpan.FromSeconds(1));
        await AttestAsync(auditor, "WG-KMS-001", now.AddHours(1).ToString("O"));
        _aggregator.Clock.Advance(TimeSpan.FromSeconds(1));
        await AttestAsync(_admin, "WG-MFA-002", now.AddDays(30).ToString("O"));
        var host = await ListedAsync(agent.AgentId!);
        Assert.Multiple(() =>
        {
            Assert.That(Rand(host), Is.EqualTo("SL5/SL2/1"), "WG-MPA-001 at SL3 is still unattested");
            Assert.That(Assessment(host, "rand-sl1").GetProperty("attested").GetInt32(), Is.EqualTo(1), "judged against rand-sl1: its one manual control");
            Assert.That(Assessment(host, "rand-sl1").GetProperty("pendingAttestations").GetInt32(), Is.Zero);
        });
        var listed = (await GetAsync(_viewer, "/api/v1/attestations")).EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(listed.Select(a => a.GetProperty("status").GetString()), Is.EqualTo(new[] { "in-force", "in-force", "in-force" }));
            Assert.That(listed.Select(a => a.GetProperty("attestation").GetProperty("attestor").GetString()),
                Is.EqualTo(new[] { "audrey auditor", "audrey auditor", "test admin" }), "the attestor is the token's name");
        });
        var detail = await DetailAsync(agent.AgentId!);
        Assert.That(detail.GetProperty("verdicts").EnumerateArray().Single(v => v.GetProperty("controlId").GetString() == "WG-IR-001").GetProperty("status").GetString(),
            Is.EqualTo("attested"), "attested, never pass");

        _aggregator.Clock.Advance(TimeSpan.FromHours(2));
        Assert.That(Rand(await ListedAsync(agent.AgentId!)), Is.EqualTo("SL5/SL1/2"), "the WG-KMS-001 attestation expired");
        Assert.That((await GetAsync(_viewer, "/api/v1/attestations")).EnumerateArray().Select(a => a.GetProperty("status").GetString()),
            Is.EqualTo(new[] { "in-force", "expired", "in-force" }));

        Assert.That((await auditor.DeleteAsync(ir)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await ProblemAssert.IsProblemAsync(await auditor.DeleteAsync(ir), HttpStatusCode.NotFound);
        Assert.That(Rand(await ListedAsync(agent.AgentId!)), Is.EqualTo("SL5/SL0/3"), "withdrawn");
        Assert.That((await GetAsync(_viewer, "/api/v1/attestations")).EnumerateArray().First().GetProperty("status").GetString(), Is.EqualTo("withdrawn"));
    }

    [Test]
    public async Task AttestationsAreRefusedForAutomatedControlsBadInputAndViewers()
    {
        await StartAsync();
        var tomorrow = _aggregator.Clock.GetUtcNow().AddDays(1).ToString("yyyy-MM-dd");
        await ProblemAssert.IsProblemAsync(await _admin.PostAsync("/api/v1/attestations", Json(Attestation("WG-ACL-004", tomorrow))), HttpStatusCode.BadRequest,
            "only manual controls are attested");
        await ProblemAssert.IsProblemAsync(await _admin.PostAsync("/api/v1/attestations", Json(Attestation("WG-NOPE-001", tomorrow))), HttpStatusCode.BadRequest,
            "WG-NOPE-001");
        await ProblemAssert.IsProblemAsync(await _admin.PostAsync("/api/v1/attestations", Json(Attestation("WG-IR-001", "2020-01-01"))), HttpStatusCode.BadRequest,
            "in the future");
        await ProblemAssert.IsProblemAsync(await _admin.PostAsync("/api/v1/attestations",
            Json(new { controlId = "WG-IR-001", hosts = "gpu-*", statement = "ok", evidenceRef = "javascript:alert(1)", expires = tomorrow })), HttpStatusCode.BadRequest,
            "evidenceRef");
        await ProblemAssert.IsProblemAsync(await _admin.PostAsync("/api/v1/attestations",
            Json(new { controlId = "WG-IR-001", statement = "ok", expires = tomorrow })), HttpStatusCode.BadRequest, "hosts");
        await ProblemAssert.IsProblemAsync(await _admin.PostAsync("/api/v1/attestations", Json(Attestation("WG-IR-001", tomorrow, hosts: "gpu-\u0000*"))),
            HttpStatusCode.BadRequest, "hosts");
        await ProblemAssert.IsProblemAsync(await _viewer.PostAsync("/api/v1/attestations", Json(Attestation("WG-IR-001", tomorrow))), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await _viewer.DeleteAsync($"/api/v1/attestations/{Guid.NewGuid()}"), HttpStatusCode.Forbidden);
        Assert.That(await _aggregator.Store.ListAttestationsAsync(), Is.Empty);
    }

    /// <summary>A waiver of WG-ACL-004 for the test host, expiring in a week.</summary>
    private object Waiver() => new
    {
        controlId = "WG-ACL-004", hosts = "gpu-test-*", justification = "serving team reads weights until the API lands",
        expires = _aggregator.Clock.GetUtcNow().AddDays(7).ToString("yyyy-MM-dd"),
    };

    [Test]
    public async Task WaiverChangesTheStateAtOnceAndHistoryKeepsWhatWasJudgedThen()
    {
        await StartAsync(LadderCatalog.Catalog);
        await ApplyPolicyAsync(Sl3Policy);
        var agent = await EnrolAsync();
        var before = TestReports.Create("gpu-test-01", _aggregator.Clock.GetUtcNow(), "rand-sl1", TestReports.WeightFile(peopleRead: true), LadderCatalog.Catalog);
        await agent.ReportAsync(before);
        var failing = await ListedAsync(agent.AgentId!);
        Assert.That(failing.GetProperty("state").GetString(), Is.EqualTo("failing"));
        Assert.That(Assessment(failing, "rand-sl3").GetProperty("failed").GetInt32(), Is.EqualTo(1));
        Assert.That(Rand(failing), Is.EqualTo("SL2/SL0/3"), "WG-ACL-004 is an SL3 control");

        var created = await _admin.PostAsync("/api/v1/waivers", Json(Waiver()));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var waived = await ListedAsync(agent.AgentId!);
        Assert.Multiple(() =>
        {
            Assert.That(waived.GetProperty("state").GetString(), Is.EqualTo("compliant"), "no new report needed");
            Assert.That(Assessment(waived, "rand-sl3").GetProperty("failed").GetInt32(), Is.Zero);
            Assert.That(Assessment(waived, "rand-sl3").GetProperty("waived").GetInt32(), Is.EqualTo(1));
            Assert.That(Rand(waived), Is.EqualTo("SL2/SL0/3"), "a waiver is an accepted risk, never a met control");
        });
        var control = (await GetAsync(_viewer, "/api/v1/controls/WG-ACL-004/hosts")).EnumerateArray().Single();
        Assert.That(control.GetProperty("status").GetString(), Is.EqualTo("waived"));

        var waiverId = created.Headers.Location!.ToString().Split('/')[^1];
        _aggregator.Clock.Advance(TimeSpan.FromMinutes(1));
        var after = TestReports.Create("gpu-test-01", _aggregator.Clock.GetUtcNow(), "rand-sl1", TestReports.WeightFile(peopleRead: true), LadderCatalog.Catalog);
        await agent.ReportAsync(after);
        var history = (await DetailAsync(agent.AgentId!)).GetProperty("history").EnumerateArray().ToList();
        Assert.That(history.Select(h => h.GetProperty("reportId").GetGuid()), Is.EqualTo(new[] { after.ReportId, before.ReportId }));
        JsonElement Sl3At(JsonElement row) => row.GetProperty("judgement").GetProperty("assessments").EnumerateArray().Single();
        Assert.Multiple(() =>
        {
            Assert.That(Sl3At(history[1]).GetProperty("failed").GetInt32(), Is.EqualTo(1), "the report before the waiver keeps its verdict");
            Assert.That(history[1].GetProperty("judgement").GetProperty("waivers").GetArrayLength(), Is.Zero);
            Assert.That(Sl3At(history[0]).GetProperty("waived").GetInt32(), Is.EqualTo(1));
            Assert.That(history[0].GetProperty("judgement").GetProperty("waivers").EnumerateArray().Select(w => w.GetString()), Is.EqualTo(new[] { waiverId }),
                "which waivers were in force");
        });

        Assert.That((await _admin.DeleteAsync(created.Headers.Location)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await ListedAsync(agent.AgentId!)).GetProperty("state").GetString(), Is.EqualTo("failing"), "withdrawing it counts at once too");
        var kept = (await DetailAsync(agent.AgentId!)).GetProperty("history").EnumerateArray().First();
        Assert.That(Sl3At(kept).GetProperty("waived").GetInt32(), Is.EqualTo(1), "what was judged while it stood stays");
    }

    [Test]
    public async Task HostSilentLongerThanStaleAfterIsStale()
    {
        await StartAsync(LadderCatalog.Catalog);
        await ApplyPolicyAsync("staleAfter: 5s\nassignments:\n  - hosts: \"*\"\n    profiles: [rand-sl3]\n");
        var agent = await EnrolAsync();
        await agent.ReportAsync(TestReports.Create("gpu-test-01", _aggregator.Clock.GetUtcNow(), "rand-sl1", TestReports.WeightFile(peopleRead: false),
            LadderCatalog.Catalog));
        _aggregator.Clock.Advance(TimeSpan.FromSeconds(4));
        Assert.That((await ListedAsync(agent.AgentId!)).GetProperty("state").GetString(), Is.EqualTo("compliant"));
        _aggregator.Clock.Advance(TimeSpan.FromSeconds(2));
        var host = (await DetailAsync(agent.AgentId!)).GetProperty("host");
        Assert.That(host.GetProperty("state").GetString(), Is.EqualTo("stale"));
        Assert.That(Assessment(host, "rand-sl3").GetProperty("state").GetString(), Is.EqualTo("stale"), "never compliant, whatever it last said");
        await agent.ReportAsync(TestReports.Create("gpu-test-01", _aggregator.Clock.GetUtcNow(), "rand-sl1", TestReports.WeightFile(peopleRead: false),
            LadderCatalog.Catalog));
        Assert.That((await ListedAsync(agent.AgentId!)).GetProperty("state").GetString(), Is.EqualTo("compliant"), "a fresh report ends it");
    }

    [Test]
    public async Task RefusedSubmissionsAreRecordedAndMakeTheHostUntrusted()
    {
        await StartAsync(tpmCa: WeightGuard.Testing.Swtpm.Shared.CaDirectory);
        var tpm = new SwtpmIdentity();
        _owned.Add(tpm);
        var agent = await EnrolAsync(tpm: tpm);
        var nonce = (await agent.NonceAsync()).Nonce;
        await TestAgent.Read(await agent.SubmitAsync(agent.Quote(TestReports.Create("gpu-test-01", _aggregator.Clock.GetUtcNow()), nonce)),
            WeightGuard.Core.Protocol.ProtocolJsonContext.Default.SubmissionResult);
        Assert.That((await ListedAsync(agent.AgentId!)).GetProperty("state").GetString(), Is.Not.EqualTo("untrusted"));

        _aggregator.Clock.Advance(TimeSpan.FromSeconds(1));
        await ProblemAssert.IsProblemAsync(await agent.SubmitAsync(agent.Quote(TestReports.Create("gpu-test-01", _aggregator.Clock.GetUtcNow()), nonce)),
            HttpStatusCode.Forbidden, "already used");
        _aggregator.Clock.Advance(TimeSpan.FromSeconds(1));
        var quoted = agent.Quote(TestReports.Create("gpu-test-01", _aggregator.Clock.GetUtcNow()), (await agent.NonceAsync()).Nonce);
        var pcrs = quoted.Attestation!.Pcrs.ToDictionary(b => b.Key,
            b => (IReadOnlyDictionary<string, string>)b.Value.ToDictionary(p => p.Key, p => p.Key == "7" ? new string('a', 64) : p.Value));
        await ProblemAssert.IsProblemAsync(await agent.SubmitAsync(quoted with { Attestation = quoted.Attestation with { Pcrs = pcrs } }),
            HttpStatusCode.Forbidden, "pcrDigest");

        var detail = await DetailAsync(agent.AgentId!);
        var refusals = detail.GetProperty("refusals").EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(detail.GetProperty("host").GetProperty("state").GetString(), Is.EqualTo("untrusted"));
            Assert.That(refusals.Select(r => r.GetProperty("check").GetString()), Is.EqualTo(new[] { "quote", "nonce" }), "newest first");
            Assert.That(refusals[0].GetProperty("detail").GetString(), Does.Contain("pcrDigest"));
            Assert.That(refusals[1].GetProperty("detail").GetString(), Does.Contain("already used"));
            Assert.That(detail.GetProperty("host").GetProperty("lastRefusal").GetProperty("check").GetString(), Is.EqualTo("quote"));
            Assert.That(detail.GetProperty("history").GetArrayLength(), Is.EqualTo(1), "nothing refused is stored as a report");
        });

        _aggregator.Clock.Advance(TimeSpan.FromSeconds(1));
        await agent.ReportAsync(TestReports.Create("gpu-test-01", _aggregator.Clock.GetUtcNow()));
        Assert.That((await ListedAsync(agent.AgentId!)).GetProperty("state").GetString(), Is.Not.EqualTo("untrusted"), "a verified report since answers it");
    }

    [Test]
    public async Task ReportNamingAnotherHostIsStoredUnderTheEnrolledNameAndFlagged()
    {
        await StartAsync();
        var agent = await EnrolAsync();
        await agent.ReportAsync(TestReports.Create("gpu-test-01", _aggregator.Clock.GetUtcNow()));
        Assert.That((await ListedAsync(agent.AgentId!)).GetProperty("nameMismatch").GetBoolean(), Is.False);
        await agent.ReportAsync(TestReports.Create("prod-gpu-01", _aggregator.Clock.GetUtcNow().AddSeconds(1)));
        var host = await ListedAsync(agent.AgentId!);
        Assert.Multiple(() =>
        {
            Assert.That(host.GetProperty("name").GetString(), Is.EqualTo("gpu-test-01"));
            Assert.That(host.GetProperty("reportedName").GetString(), Is.EqualTo("prod-gpu-01"));
            Assert.That(host.GetProperty("nameMismatch").GetBoolean(), Is.True);
        });
        Assert.That((await GetAsync(_viewer, "/api/v1/hosts?search=prod-gpu")).GetProperty("total").GetInt32(), Is.Zero, "found by its enrolled name only");
    }

    [TestCase(300, TestName = "A 300-character name")]
    [TestCase(0, TestName = "A name holding NUL")]
    [TestCase(-1, TestName = "An empty name")]
    [TestCase(-2, TestName = "A name with a newline")]
    public async Task BadNamesAreRefusedAtEnrolmentWithoutSpendingTheToken(int length)
    {
        await StartAsync();
        var name = length switch { 0 => "gpu\u0000-01", -1 => "", -2 => "gpu-01\nprod-gpu-01", _ => new string('a', length) };
        var token = await _aggregator.EnrollmentTokenAsync(uses: 1);
        var bad = new TestAgent(_aggregator, hostname: name);
        _owned.Add(bad);
        var detail = await ProblemAssert.IsProblemAsync(await bad.PostEnrollmentAsync(bad.Request(token)), HttpStatusCode.BadRequest, "hostname");
        Assert.That(detail, Does.Not.Contain("\u0000").And.Not.Contain("\n"), "control characters are never echoed");
        Assert.That(await _aggregator.Store.CountHostsAsync(), Is.Zero);
        var good = new TestAgent(_aggregator, hostname: "gpu-test-01");
        _owned.Add(good);
        await good.EnrollAsync(token);
        Assert.That((await ListedAsync(good.AgentId!)).GetProperty("name").GetString(), Is.EqualTo("gpu-test-01"), "the single-use token was not spent");
    }

    [Test]
    public async Task TwoHostsEnrolledWithOneNameAreFlaggedUntilOneIsRevoked()
    {
        await StartAsync();
        var first = await EnrolAsync("gpu-test-01");
        var second = await EnrolAsync("GPU-TEST-01");
        var other = await EnrolAsync("gpu-test-02");
        Assert.Multiple(async () =>
        {
            Assert.That((await ListedAsync(first.AgentId!)).GetProperty("duplicateName").GetBoolean(), Is.True);
            Assert.That((await ListedAsync(second.AgentId!)).GetProperty("duplicateName").GetBoolean(), Is.True, "names compare without case");
            Assert.That((await ListedAsync(other.AgentId!)).GetProperty("duplicateName").GetBoolean(), Is.False);
        });
        Assert.That((await _admin.PostAsync($"/api/v1/agents/{second.AgentId}/revoke", null)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        var kept = await DetailAsync(first.AgentId!);
        Assert.That(kept.GetProperty("host").GetProperty("duplicateName").GetBoolean(), Is.False);
        Assert.That((await ListedAsync(second.AgentId!)).GetProperty("state").GetString(), Is.EqualTo("revoked"));
    }
}
