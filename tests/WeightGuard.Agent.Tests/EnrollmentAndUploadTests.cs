using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using WeightGuard.Agent.Enrollment;
using WeightGuard.Agent.Net;
using WeightGuard.Agent.Spool;
using WeightGuard.Agent.Upload;
using WeightGuard.Collectors;
using WeightGuard.Collectors.Tpm;
using WeightGuard.Core.Protocol;
using WeightGuard.Testing;
using WeightGuard.Tpm.Transport;

namespace WeightGuard.Agent.Tests;

/// <summary>The agent against a fake aggregator on loopback (real TLS, client certificates) with swtpm as the TPM.</summary>
[NonParallelizable]
public sealed class EnrollmentAndUploadTests
{
    private TestPki _pki = null!;
    private TempDirectory _state = null!;

    [SetUp]
    public void SetUp()
    {
        _pki = new TestPki();
        _state = new TempDirectory();
    }

    [TearDown]
    public void TearDown()
    {
        _pki.Dispose();
        _state.Dispose();
    }

    private EnrollmentOptions Options(FakeAggregator server, string token, TpmSelector tpm) =>
        new(server.Url, token, tpm, _state.Path, "gpu-test-01", "0123456789abcdef0123456789abcdef");

    private static TpmSelector Swtpm() => TpmSelector.Parse(Testing.Swtpm.Shared.Selector);

    [Test]
    public async Task Enrols_with_the_TPM_and_uploads_a_report_whose_quote_binds_nonce_and_evidence()
    {
        var tpm = Swtpm();
        await using var server = await FakeAggregator.Start(_pki);
        var agentId = await Enroller.Enroll(Options(server, server.NewToken().ToString(), tpm), CancellationToken.None);

        var files = new IdentityFiles(_state.Path);
        Assert.That(File.GetUnixFileMode(files.Key), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(File.ReadAllText(files.Key), Does.StartWith("-----BEGIN PRIVATE KEY-----"));
        using var identity = AgentIdentity.Load(_state.Path);
        Assert.Multiple(() =>
        {
            Assert.That(identity.Settings.AgentId, Is.EqualTo(agentId));
            Assert.That(identity.Settings.Tpm, Is.True);
            Assert.That(identity.Settings.TpmSelector, Is.EqualTo(tpm.ToString()));
            Assert.That(identity.CaCertificate.RawData, Is.EqualTo(_pki.Ca.RawData));
            Assert.That(server.Requests, Is.EqualTo(new[] { "GET /api/v1/ca", "POST /api/v1/enrollments", $"POST /api/v1/enrollments/{server.LastEnrollmentId}/activation" }));
        });

        var (report, json) = TestReports.ScanJson();
        using var uploader = new ReportUploader(identity, new HostRoot(_state.Path));
        var first = await uploader.Upload(json, CancellationToken.None);
        var again = await uploader.Upload(json, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(first.ReportId, Is.EqualTo(report.ReportId));
            Assert.That(first.Attestation, Is.EqualTo("verified"));
            Assert.That(first.Duplicate, Is.False);
            Assert.That(again.Attestation, Is.EqualTo("verified"), "a second delivery is quoted afresh with a new nonce");
            Assert.That(again.Duplicate, Is.True);
            Assert.That(server.Reports.Keys, Is.EqualTo(new[] { report.ReportId }));
        });
    }

    [Test]
    public async Task The_event_log_attached_to_a_quote_is_the_one_under_the_scanned_root_not_this_machines()
    {
        await using var server = await FakeAggregator.Start(_pki);
        await Enroller.Enroll(Options(server, server.NewToken().ToString(), Swtpm()), CancellationToken.None);
        using var identity = AgentIdentity.Load(_state.Path);
        using var tree = new TempDirectory();
        var log = File.ReadAllBytes(Path.Combine(RepoPaths.Root, "tests", "fixtures", "eventlogs", "go-tpm-tools", "debian-10.bin"));
        var atRoot = new HostRoot(tree.Path).Resolve(TpmCollector.EventLogPath);
        Directory.CreateDirectory(Path.GetDirectoryName(atRoot)!);
        File.WriteAllBytes(atRoot, log);

        using var uploader = new ReportUploader(identity, new HostRoot(tree.Path));
        await uploader.Upload(TestReports.ScanJson().Json, CancellationToken.None);
        Assert.That(server.LastEventLog, Is.EqualTo(Convert.ToBase64String(log)), "scan --upload --root and agent run --root read the log under the root");

        using var empty = new TempDirectory();
        using var nothingThere = new ReportUploader(identity, new HostRoot(empty.Path));
        await nothingThere.Upload(TestReports.ScanJson("gpu-test-02").Json, CancellationToken.None);
        Assert.That(server.LastEventLog, Is.Null, "a tree without a log sends none, never the live machine's");
    }

    [Test]
    public async Task A_quote_over_other_evidence_is_refused_by_the_binding_check()
    {
        await using var server = await FakeAggregator.Start(_pki);
        await Enroller.Enroll(Options(server, server.NewToken().ToString(), Swtpm()), CancellationToken.None);
        using var identity = AgentIdentity.Load(_state.Path);
        var (_, json) = TestReports.ScanJson();
        var (_, other) = TestReports.ScanJson("gpu-test-02");
        // Quote over one report's evidence, send another's: the aggregator must see the mismatch.
        server.SwapReportWith = other;
        using var uploader = new ReportUploader(identity, new HostRoot(_state.Path));
        var refused = Assert.ThrowsAsync<AggregatorException>(() => uploader.Upload(json, CancellationToken.None));
        Assert.That(refused!.Message, Does.Contain("422").And.Contain("Attestation failed"));
    }

    [Test]
    public async Task Enrols_without_a_TPM_and_uploads_without_a_quote()
    {
        await using var server = await FakeAggregator.Start(_pki);
        await Enroller.Enroll(Options(server, server.NewToken().ToString(), new TpmSelector(TpmSelectorKind.None)), CancellationToken.None);
        using var identity = AgentIdentity.Load(_state.Path);
        Assert.That(identity.Settings.Tpm, Is.False);
        using var uploader = new ReportUploader(identity, HostRoot.Live);
        var result = await uploader.Upload(TestReports.ScanJson().Json, CancellationToken.None);
        Assert.That(result.Attestation, Is.EqualTo("absent"));
        Assert.That(server.Requests, Does.Not.Contain("POST /api/v1/nonce"));
    }

    [Test]
    public async Task A_CA_that_is_not_the_pinned_one_is_refused_before_anything_is_sent()
    {
        await using var server = await FakeAggregator.Start(_pki);
        using var other = new TestPki("Impostor CA");
        var token = EnrollmentToken.Create(other.Ca.RawData).ToString();
        var e = Assert.ThrowsAsync<AggregatorException>(() => Enroller.Enroll(Options(server, token, new TpmSelector(TpmSelectorKind.None)), CancellationToken.None));
        Assert.Multiple(() =>
        {
            Assert.That(e!.Message, Does.Contain("is not the one the token pins").And.Contain("refusing to enrol"));
            Assert.That(e.Message, Does.Not.Contain(token.Split('.')[1]), "the secret is never shown");
            Assert.That(server.Requests, Is.EqualTo(new[] { "GET /api/v1/ca" }), "the token never left the host");
            Assert.That(Directory.Exists(new IdentityFiles(_state.Path).Directory), Is.False);
        });
    }

    [Test]
    public async Task A_server_certificate_from_another_CA_is_refused_after_the_pin_check()
    {
        using var other = new TestPki("Impostor CA");
        // The impostor serves the genuine CA certificate (public) but cannot present a certificate it issued.
        await using var server = await FakeAggregator.Start(_pki, serverCertificate: other.Server);
        var e = Assert.ThrowsAsync<AggregatorException>(() =>
            Enroller.Enroll(Options(server, server.NewToken().ToString(), new TpmSelector(TpmSelectorKind.None)), CancellationToken.None));
        Assert.Multiple(() =>
        {
            Assert.That(e!.Message, Does.Contain("TLS failed"));
            Assert.That(server.Requests, Is.EqualTo(new[] { "GET /api/v1/ca" }), "no enrolment request reached the impostor");
        });
    }

    [Test]
    public async Task A_refused_token_surfaces_the_problem_document()
    {
        await using var server = await FakeAggregator.Start(_pki);
        var unknown = EnrollmentToken.Create(_pki.Ca.RawData).ToString();
        var e = Assert.ThrowsAsync<AggregatorException>(() => Enroller.Enroll(Options(server, unknown, new TpmSelector(TpmSelectorKind.None)), CancellationToken.None));
        Assert.Multiple(() =>
        {
            Assert.That(e!.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(e.Message, Does.Contain("401").And.Contain("Enrolment refused: the token is unknown, expired or already used"));
            Assert.That(e.Transient, Is.False);
        });
    }

    [Test]
    public async Task An_unavailable_TPM_stops_enrolment_before_the_token_is_sent()
    {
        await using var server = await FakeAggregator.Start(_pki);
        var e = Assert.ThrowsAsync<AgentException>(() =>
            Enroller.Enroll(Options(server, server.NewToken().ToString(), TpmSelector.Parse("swtpm:127.0.0.1:1")), CancellationToken.None));
        Assert.Multiple(() =>
        {
            Assert.That(e!.Message, Does.StartWith("TPM swtpm:127.0.0.1:1: "));
            Assert.That(server.Requests, Is.EqualTo(new[] { "GET /api/v1/ca" }));
        });
    }

    [Test]
    public void A_malformed_token_is_refused_before_any_connection()
    {
        var e = Assert.ThrowsAsync<AgentException>(() => Enroller.Enroll(
            new EnrollmentOptions(new Uri("https://127.0.0.1:1/"), "wg1.short.token", new TpmSelector(TpmSelectorKind.None), _state.Path, "h", null),
            CancellationToken.None));
        Assert.That(e!.Message, Does.StartWith("--token: "));
    }

    [Test]
    public async Task Reports_spooled_while_the_server_is_down_are_delivered_once_when_it_is_back()
    {
        await using var server = await FakeAggregator.Start(_pki);
        await Enroller.Enroll(Options(server, server.NewToken().ToString(), Swtpm()), CancellationToken.None);
        using var identity = AgentIdentity.Load(_state.Path);
        using var uploader = new ReportUploader(identity, new HostRoot(_state.Path));
        var spool = new ReportSpool(_state["spool"], SpoolLimits.Default);
        var dispatcher = new SpoolDispatcher(spool, uploader.Upload, NullLogger.Instance);
        var (older, olderJson) = TestReports.ScanJson();
        var (newer, newerJson) = TestReports.ScanJson();
        spool.Add(newer.ReportId, newer.FinishedAt, newerJson);
        spool.Add(older.ReportId, older.FinishedAt.AddMinutes(-1), olderJson);

        await server.Stop();
        var down = await dispatcher.DeliverPending(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(down.Failure, Is.InstanceOf<AggregatorException>());
            Assert.That(down.Failure!.Message, Does.Contain("cannot reach the aggregator"));
            Assert.That(((AggregatorException)down.Failure).Transient, Is.True);
            Assert.That(spool.Pending().Select(p => p.ReportId), Is.EqualTo(new[] { older.ReportId, newer.ReportId }));
        });

        await server.Restart();
        var up = await dispatcher.DeliverPending(CancellationToken.None);
        var idle = await dispatcher.DeliverPending(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(up.Failure, Is.Null);
            Assert.That(up.Delivered.Select(d => d.ReportId), Is.EqualTo(new[] { older.ReportId, newer.ReportId }), "in scan order");
            Assert.That(up.Delivered.Select(d => d.Attestation), Is.All.EqualTo("verified"));
            Assert.That(idle.Delivered, Is.Empty);
            Assert.That(spool.Pending(), Is.Empty);
            Assert.That(server.Submissions, Is.EqualTo(2), "each report reached the aggregator once");
        });
    }

    [Test]
    public async Task A_duplicate_answer_counts_as_delivered()
    {
        await using var server = await FakeAggregator.Start(_pki);
        await Enroller.Enroll(Options(server, server.NewToken().ToString(), new TpmSelector(TpmSelectorKind.None)), CancellationToken.None);
        using var identity = AgentIdentity.Load(_state.Path);
        using var uploader = new ReportUploader(identity, HostRoot.Live);
        var (report, json) = TestReports.ScanJson();
        await uploader.Upload(json, CancellationToken.None);
        var spool = new ReportSpool(_state["spool"], SpoolLimits.Default);
        spool.Add(report.ReportId, report.FinishedAt, json);
        var pass = await new SpoolDispatcher(spool, uploader.Upload, NullLogger.Instance).DeliverPending(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(pass.Delivered.Single().Duplicate, Is.True);
            Assert.That(spool.Pending(), Is.Empty);
            Assert.That(server.Reports, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task A_report_refused_for_good_is_kept_aside_and_counted_with_the_servers_reason()
    {
        await using var server = await FakeAggregator.Start(_pki);
        await Enroller.Enroll(Options(server, server.NewToken().ToString(), new TpmSelector(TpmSelectorKind.None)), CancellationToken.None);
        using var identity = AgentIdentity.Load(_state.Path);
        using var uploader = new ReportUploader(identity, HostRoot.Live);
        var spool = new ReportSpool(_state["spool"], SpoolLimits.Default);
        var (bad, badJson) = TestReports.ScanJson();
        spool.Add(bad.ReportId, bad.FinishedAt, badJson);
        server.RefuseReports = HttpStatusCode.BadRequest;
        var pass = await new SpoolDispatcher(spool, uploader.Upload, NullLogger.Instance).DeliverPending(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(pass.Failure, Is.Null);
            Assert.That(pass.Losses.Single().ReportId, Is.EqualTo(bad.ReportId));
            Assert.That(pass.Losses.Single().Reason, Does.Contain("Report refused: the report does not match the schema"));
            Assert.That(spool.Pending(), Is.Empty);
            Assert.That(Directory.GetFiles(spool.RejectedDirectory), Has.Length.EqualTo(1));
        });
    }

    [Test]
    public async Task A_server_error_keeps_the_report_spooled_for_a_retry()
    {
        await using var server = await FakeAggregator.Start(_pki);
        await Enroller.Enroll(Options(server, server.NewToken().ToString(), new TpmSelector(TpmSelectorKind.None)), CancellationToken.None);
        using var identity = AgentIdentity.Load(_state.Path);
        using var uploader = new ReportUploader(identity, HostRoot.Live);
        var spool = new ReportSpool(_state["spool"], SpoolLimits.Default);
        var (report, json) = TestReports.ScanJson();
        spool.Add(report.ReportId, report.FinishedAt, json);
        server.RefuseReports = HttpStatusCode.ServiceUnavailable;
        var pass = await new SpoolDispatcher(spool, uploader.Upload, NullLogger.Instance).DeliverPending(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(pass.Failure!.Message, Does.Contain("503").And.Contain("Report refused"));
            Assert.That(pass.Losses, Is.Empty);
            Assert.That(spool.Pending(), Has.Count.EqualTo(1));
        });
    }
}
