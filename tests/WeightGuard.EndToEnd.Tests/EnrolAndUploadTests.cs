using System.Net;
using System.Text.Json;
using WeightGuard.Aggregator.Tests;
using WeightGuard.Testing;

namespace WeightGuard.EndToEnd.Tests;

/// <summary>
/// <c>weightguard enroll</c> and <c>scan --upload</c> against the real aggregator, on SQLite and on PostgreSQL: the fleet
/// API then shows the host with the aggregator's own verdicts and a verified attestation; a used token and a revoked
/// agent are refused.
/// </summary>
[NonParallelizable]
public sealed class EnrolAndUploadTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("weightguard-e2e-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void On_SQLite() => EnrolUploadAndRead(null);

    [Test]
    public void On_PostgreSQL() => EnrolUploadAndRead("postgres:" + PostgresServer.Shared.CreateDatabase());

    private void EnrolUploadAndRead(string? database)
    {
        var tpm = Swtpm.Shared.Selector;
        using var aggregator = AggregatorProcess.Start(database);
        var state = Path.Combine(_directory, "state");
        var token = aggregator.CreateEnrollmentToken();

        var enrol = Programs.RunWeightGuard("enroll", "--server", aggregator.Url.ToString(), "--token", token, "--tpm", tpm, "--state", state,
            "--name", "gpu-e2e-01");
        Assert.That(enrol.ExitCode, Is.EqualTo(0), enrol.Stderr);
        var agentId = enrol.Stdout.Trim();

        var tree = HostTreeWithHostname(Path.Combine(_directory, "tree"), "gpu-e2e-01");
        var scan = Programs.RunWeightGuard("scan", "--root", tree, "--format", "json", "--upload", "--state", state);
        using var printed = JsonDocument.Parse(scan.Stdout);
        var reportId = printed.RootElement.GetProperty("reportId").GetGuid();
        Assert.Multiple(() =>
        {
            Assert.That(scan.ExitCode, Is.EqualTo(1), "an empty tree fails controls; the upload does not change that: " + scan.Stderr);
            Assert.That(scan.Stderr, Does.Contain($"report {reportId} delivered to").And.Contain("(attestation verified)"));
        });

        var host = aggregator.FleetHost(agentId);
        var latest = host.GetProperty("latestReport");
        var agentSummary = printed.RootElement.GetProperty("summary");
        Assert.Multiple(() =>
        {
            Assert.That(host.GetProperty("name").GetString(), Is.EqualTo("gpu-e2e-01"));
            Assert.That(host.GetProperty("nameMismatch").GetBoolean(), Is.False);
            Assert.That(host.GetProperty("hasTpm").GetBoolean(), Is.True);
            Assert.That(host.GetProperty("ekCertified").GetBoolean(), Is.True, "the swtpm's EK certificate chains to tpm-ca/");
            Assert.That(latest.GetProperty("reportId").GetGuid(), Is.EqualTo(reportId));
            Assert.That(latest.GetProperty("attestation").GetString(), Is.EqualTo("verified"));
            Assert.That(host.GetProperty("rand").GetProperty("hostControlsMet").GetString(),
                Is.EqualTo(agentSummary.GetProperty("rand").GetProperty("hostControlsMet").GetString()), "the aggregator re-judges the same evidence alike");
            Assert.That(host.GetProperty("unassigned").GetBoolean(), Is.True, "no policy applied: judged against rand-sl1 and marked unassigned");
            Assert.That(host.GetProperty("assessments").EnumerateArray().Select(a => a.GetProperty("profile").GetString()), Is.EqualTo(new[] { "rand-sl1" }));
        });

        var detail = aggregator.Get($"/api/v1/hosts/{agentId}");
        var local = Programs.RunWeightGuard("scan", "--root", tree, "--format", "json", "--profile", "rand-sl1");
        using var localReport = JsonDocument.Parse(local.Stdout);
        var agentVerdicts = localReport.RootElement.GetProperty("results").EnumerateArray()
            .ToDictionary(r => r.GetProperty("controlId").GetString()!, r => r.GetProperty("status").GetString());
        var verdicts = detail.GetProperty("verdicts").EnumerateArray()
            .ToDictionary(v => v.GetProperty("controlId").GetString()!, v => v.GetProperty("status").GetString());
        Assert.Multiple(() =>
        {
            Assert.That(verdicts, Is.EquivalentTo(agentVerdicts), "the aggregator judges the same evidence against rand-sl1 as a local scan does");
            Assert.That(verdicts.Values, Does.Contain("fail"), "the aggregator's own verdicts are served");
            Assert.That(detail.GetProperty("history").EnumerateArray().Select(r => r.GetProperty("reportId").GetGuid()), Is.EqualTo(new[] { reportId }));
        });

        var again = Programs.RunWeightGuard("enroll", "--server", aggregator.Url.ToString(), "--token", token, "--tpm", tpm,
            "--state", Path.Combine(_directory, "second-state"), "--name", "gpu-e2e-02");
        Assert.Multiple(() =>
        {
            Assert.That(again.ExitCode, Is.EqualTo(2), "a used token enrols no second host");
            Assert.That(again.Stdout, Is.Empty);
            Assert.That(again.Stderr, Does.StartWith("enrolment failed: ").And.Contain("token"));
        });

        Assert.That(aggregator.Post($"/api/v1/agents/{agentId}/revoke"), Is.EqualTo(HttpStatusCode.NoContent));
        var refused = Programs.RunWeightGuard("scan", "--root", tree, "--format", "json", "--upload", "--state", state);
        Assert.Multiple(() =>
        {
            Assert.That(refused.ExitCode, Is.EqualTo(2), "an upload that fails is exit 2");
            Assert.That(refused.Stderr, Does.Contain("upload failed: ").And.Contain("revoked"));
            Assert.That(aggregator.ReportIds(agentId), Is.EqualTo(new[] { reportId }), "nothing from a revoked agent is stored");
        });
    }

    /// <summary>A minimal host tree: only <c>/etc/hostname</c>.</summary>
    internal static string HostTreeWithHostname(string tree, string hostname)
    {
        Directory.CreateDirectory(Path.Combine(tree, "etc"));
        Directory.CreateDirectory(Path.Combine(tree, "models"));
        File.WriteAllText(Path.Combine(tree, "etc", "hostname"), hostname + "\n");
        return tree;
    }
}
