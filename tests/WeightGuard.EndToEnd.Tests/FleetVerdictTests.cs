using System.Runtime.Versioning;
using System.Text.Json;
using WeightGuard.Aggregator.Tests;
using WeightGuard.Testing;

namespace WeightGuard.EndToEnd.Tests;

/// <summary>
/// The fleet verdict is decided centrally, with real processes: an agent that scans against a lower profile than the
/// fleet policy assigns is judged against the policy's, and the RAND standing does not depend on either.
/// </summary>
[NonParallelizable]
[UnsupportedOSPlatform("windows")]
public class FleetVerdictTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("weightguard-e2e-fleet-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void On_SQLite() => TheHostDoesNotPickItsOwnBar(null);

    [Test]
    public void On_PostgreSQL() => TheHostDoesNotPickItsOwnBar("postgres:" + PostgresServer.Shared.CreateDatabase());

    private void TheHostDoesNotPickItsOwnBar(string? database)
    {
        using var aggregator = AggregatorProcess.Start(database);
        var state = Path.Combine(_directory, "state");
        var enrol = Programs.RunWeightGuard("enroll", "--server", aggregator.Url.ToString(), "--token", aggregator.CreateEnrollmentToken(),
            "--tpm", Swtpm.Shared.Selector, "--state", state, "--name", "gpu-lab-07");
        Assert.That(enrol.ExitCode, Is.EqualTo(0), enrol.Stderr);
        var agentId = enrol.Stdout.Trim();

        var tree = PeopleCanReadTheWeights(Path.Combine(_directory, "tree"), "gpu-lab-07");
        var scan = Programs.RunWeightGuard("scan", "--root", tree, "--profile", "rand-sl2", "--format", "json", "--upload", "--state", state);
        Assert.That(scan.Stderr, Does.Contain("(attestation verified)"));
        using var printed = JsonDocument.Parse(scan.Stdout);
        Assert.That(printed.RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("controlId").GetString()),
            Does.Not.Contain("WG-ACL-004"), "rand-sl2 does not ask whether people can read the weights");

        var policy = Path.Combine(_directory, "policy.yaml");
        File.WriteAllText(policy, "staleAfter: 2h\nassignments:\n  - hosts: \"gpu-lab-*\"\n    profiles: [rand-sl3]\n");
        var applied = Programs.RunAggregator("policy", "apply", "--data", aggregator.Data, policy);
        Assert.That(applied.ExitCode, Is.EqualTo(0), applied.Stderr);

        var host = aggregator.FleetHost(agentId);
        var assessment = host.GetProperty("assessments").EnumerateArray().Single();
        var local = Programs.RunWeightGuard("scan", "--root", tree, "--profile", "rand-sl3", "--format", "json");
        using var localReport = JsonDocument.Parse(local.Stdout);
        var across = aggregator.Get("/api/v1/controls/WG-ACL-004/hosts").EnumerateArray().Where(v => v.GetProperty("agentId").GetString() == agentId).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(assessment.GetProperty("profile").GetString(), Is.EqualTo("rand-sl3"), "judged against the policy's profile, not the agent's");
            Assert.That(assessment.GetProperty("state").GetString(), Is.EqualTo("failing"));
            Assert.That(assessment.GetProperty("failed").GetInt32(), Is.EqualTo(localReport.RootElement.GetProperty("summary").GetProperty("fail").GetInt32()),
                "the same failures a local rand-sl3 scan of the same tree finds");
            Assert.That(host.GetProperty("state").GetString(), Is.EqualTo("failing"));
            Assert.That(host.GetProperty("unassigned").GetBoolean(), Is.False);
            Assert.That(host.GetProperty("rand").GetProperty("hostControlsMet").GetString(),
                Is.EqualTo(printed.RootElement.GetProperty("summary").GetProperty("rand").GetProperty("hostControlsMet").GetString()),
                "the RAND standing does not depend on the profile scanned or assigned");
            Assert.That(across.Select(v => (v.GetProperty("profile").GetString(), v.GetProperty("status").GetString())),
                Is.EqualTo(new[] { ("rand-sl3", "fail") }), "the control page's source agrees");
        });
    }

    /// <summary>A tree whose weights (a GGUF file, mode 0644) a person with a login shell can read.</summary>
    private static string PeopleCanReadTheWeights(string tree, string hostname)
    {
        EnrolAndUploadTests.HostTreeWithHostname(tree, hostname);
        File.WriteAllText(Path.Combine(tree, "etc", "passwd"), "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\n");
        File.WriteAllText(Path.Combine(tree, "etc", "group"), "root:x:0:\nalice:x:1000:\n");
        var model = Path.Combine(tree, "models", "model.gguf");
        File.WriteAllBytes(model, [.. "GGUF"u8, 3, 0, 0, 0, .. new byte[64]]);
        File.SetUnixFileMode(model, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return tree;
    }
}
