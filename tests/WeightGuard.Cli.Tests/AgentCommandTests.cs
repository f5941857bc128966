using System.Text.Json;
using WeightGuard.Agent.Tests;
using WeightGuard.Testing;

namespace WeightGuard.Cli.Tests;

/// <summary><c>weightguard enroll</c>, <c>scan --upload</c> and <c>agent run|status</c> as processes, against a fake aggregator.</summary>
[NonParallelizable]
public sealed class AgentCommandTests
{
    private TestPki _pki = null!;
    private FakeAggregator _server = null!;
    private TempDirectory _dir = null!;

    [SetUp]
    public async Task SetUp()
    {
        _pki = new TestPki();
        _server = await FakeAggregator.Start(_pki);
        _dir = new TempDirectory();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _server.DisposeAsync();
        _pki.Dispose();
        _dir.Dispose();
    }

    private string State => _dir["state"];

    private (int ExitCode, string Stdout, string Stderr) Enroll(string tpm = "none", string? token = null) =>
        CliRunner.Run("enroll", "--server", _server.Url.ToString(), "--token", token ?? _server.NewToken().ToString(), "--tpm", tpm, "--state", State);

    [Test]
    public void Enroll_prints_the_agent_id_and_saves_the_identity()
    {
        var (exit, stdout, stderr) = Enroll();
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(0), stderr);
            Assert.That(stdout.Trim(), Does.Match("^agent-[0-9a-f]{12}$"));
            Assert.That(File.ReadAllText(Path.Combine(State, "identity", "agent.json")), Does.Contain(stdout.Trim()));
        });
    }

    [Test]
    public void Enroll_with_a_token_for_another_CA_exits_2_and_says_why()
    {
        using var other = new TestPki("Impostor CA");
        var (exit, stdout, stderr) = Enroll(token: Core.Protocol.EnrollmentToken.Create(other.Ca.RawData).ToString());
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(stdout, Is.Empty);
            Assert.That(stderr, Does.StartWith("enrolment failed: ").And.Contain("is not the one the token pins"));
        });
    }

    [Test]
    public void Scan_upload_sends_the_printed_report_with_a_verified_quote()
    {
        var tpm = Swtpm.Shared.Selector;
        Assert.That(Enroll(tpm).ExitCode, Is.EqualTo(0));
        var tree = _dir["tree"];
        Directory.CreateDirectory(Path.Combine(tree, "etc"));
        File.WriteAllText(Path.Combine(tree, "etc", "hostname"), "gpu-test-01\n");
        var (exit, stdout, stderr) = CliRunner.Run("scan", "--root", tree, "--tpm", "none", "--format", "json", "--upload", "--state", State);
        var reportId = CliRunner.Json(stdout).GetProperty("reportId").GetGuid();
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(1), "an empty tree fails controls; the upload does not change that");
            Assert.That(stderr, Does.Contain($"report {reportId} delivered to {_server.Url}").And.Contain("(attestation verified)"));
            Assert.That(_server.Reports[reportId], Is.EqualTo("verified"));
        });
    }

    [Test]
    public void Scan_upload_without_an_identity_exits_2()
    {
        var (exit, _, stderr) = CliRunner.Run("scan", "--root", _dir.Path, "--tpm", "none", "--format", "json", "--upload", "--state", State);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(stderr, Does.Contain("upload failed: ").And.Contain("not enrolled"));
        });
    }

    private string Config(string server)
    {
        var path = _dir["agent.yaml"];
        File.WriteAllText(path, $"""
            server: {server}
            state: {State}
            weights: [{_dir["models"]}]
            tpm: none
            log:
              console: true
              file: {_dir["log/agent.json"]}
              level: debug
            """);
        return path;
    }

    [Test]
    public async Task Agent_run_once_with_hashing_spools_weight_digests_and_keeps_the_cache()
    {
        Assert.That(Enroll().ExitCode, Is.EqualTo(0));
        await _server.Stop();
        byte[] header = [.. "{\"__metadata__\":{}}"u8];
        byte[] weights = [.. BitConverter.GetBytes((ulong)header.Length), .. header, 1, 2, 3, 4];
        Directory.CreateDirectory(_dir["models"]);
        File.WriteAllBytes(Path.Combine(_dir["models"], "model.safetensors"), weights);
        var config = Config(_server.Url.ToString());
        File.AppendAllText(config, "\nhashing:\n  enabled: true\n  gpuBusyPercent: 100\n");

        var (exit, _, stderr) = CliRunner.Run("agent", "run", "--once", "--config", config);
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(weights));
        var spooled = Directory.GetFiles(Path.Combine(State, "spool")).Select(File.ReadAllText).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Not.EqualTo(2), stderr);
            Assert.That(spooled, Has.Count.EqualTo(1), "the aggregator is down, so the report waits in the spool");
            Assert.That(spooled[0], Does.Contain($"\"sha256\":\"{digest}\""));
            Assert.That(File.Exists(Path.Combine(State, "cache", "weight-digests")), Is.True, "the digest cache is kept for the next scan");
        });
    }

    [Test]
    public void Agent_run_once_scans_delivers_and_records_its_status()
    {
        Assert.That(Enroll().ExitCode, Is.EqualTo(0));
        var (exit, _, stderr) = CliRunner.Run("agent", "run", "--once", "--config", Config(_server.Url.ToString()));
        using var status = JsonDocument.Parse(File.ReadAllText(Path.Combine(State, "status.json")));
        var scan = status.RootElement.GetProperty("lastScan");
        var reportId = scan.GetProperty("reportId").GetGuid();
        var failedOrErred = scan.GetProperty("fail").GetInt32() + scan.GetProperty("error").GetInt32() > 0;
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(failedOrErred ? 1 : 0), stderr);
            Assert.That(_server.Reports.Keys, Is.EqualTo(new[] { reportId }));
            Assert.That(status.RootElement.GetProperty("lastDelivery").GetProperty("reportId").GetGuid(), Is.EqualTo(reportId));
            Assert.That(status.RootElement.GetProperty("spoolDepth").GetInt32(), Is.EqualTo(0));
            Assert.That(stderr, Does.Contain($"Delivered report {reportId}"));
            Assert.That(Directory.GetFiles(_dir["log"]), Is.EqualTo(new[] { _dir["log/agent.json"] }), "the log keeps the name log.file gives it");
        });
        var log = File.ReadAllText(Directory.GetFiles(_dir["log"]).Single());
        Assert.That(log, Does.Contain("\"@mt\":").And.Not.Contain("PRIVATE KEY").And.Not.Contain("\"evidence\""));

        var (statusExit, text, _) = CliRunner.Run("agent", "status", "--state", State);
        Assert.Multiple(() =>
        {
            Assert.That(statusExit, Is.EqualTo(0));
            Assert.That(text, Does.Contain($"last delivery:  ").And.Contain(reportId.ToString()));
            Assert.That(text, Does.Contain("spool:          0 report(s) waiting"));
            Assert.That(text, Does.Contain("log file:       " + _dir["log/agent.json"] + "\n"), "the file actually written");
        });
    }

    [Test]
    public async Task Agent_run_once_with_the_server_down_spools_and_the_next_run_delivers()
    {
        Assert.That(Enroll().ExitCode, Is.EqualTo(0));
        var config = Config(_server.Url.ToString());
        await _server.Stop();
        // As under systemd: journald reads the <N> syslog priority at the start of each line.
        var (firstExit, _, firstErr) = ExternalTool.Run("dotnet", [WeightGuardProcess.Dll, "agent", "run", "--once", "--config", config],
            env: new Dictionary<string, string> { ["JOURNAL_STREAM"] = "8:12345" });
        Assert.That(firstExit, Is.Not.EqualTo(2), firstErr);
        Assert.That(firstErr, Does.Contain("\n<6>Scan ").And.Contain("\n<4>Delivery paused, 1 report(s) stay spooled: "));
        var (_, text, _) = CliRunner.Run("agent", "status", "--state", State);
        Assert.That(text, Does.Contain("spool:          1 report(s) waiting, oldest from").And.Contain("delivery error: ").And.Contain("cannot reach the aggregator"));

        await _server.Restart();
        CliRunner.Run("agent", "run", "--once", "--config", config);
        using var status = JsonDocument.Parse(File.ReadAllText(Path.Combine(State, "status.json")));
        Assert.Multiple(() =>
        {
            Assert.That(_server.Reports, Has.Count.EqualTo(2), "the spooled report and the new one");
            Assert.That(_server.Submissions, Is.EqualTo(2), "each once");
            Assert.That(status.RootElement.GetProperty("spoolDepth").GetInt32(), Is.EqualTo(0));
        });
    }

    [Test]
    public async Task A_full_spool_drops_the_older_report_and_counts_the_loss_in_the_status()
    {
        Assert.That(Enroll().ExitCode, Is.EqualTo(0));
        var config = Config(_server.Url.ToString());
        File.AppendAllText(config, "\nspool:\n  maxReports: 1\n");
        await _server.Stop();
        CliRunner.Run("agent", "run", "--once", "--config", config);
        var (_, _, stderr) = CliRunner.Run("agent", "run", "--once", "--config", config);
        var (_, text, _) = CliRunner.Run("agent", "status", "--state", State);
        Assert.Multiple(() =>
        {
            Assert.That(stderr, Does.Contain("will not be delivered: spool full: compacted to the newest report of"));
            Assert.That(text, Does.Contain("spool:          1 report(s) waiting"));
            Assert.That(text, Does.Contain("lost reports:   1 (last: spool full: compacted to the newest report of"));
        });
    }

    [Test]
    public void Agent_run_with_a_bad_configuration_exits_2_with_file_and_line()
    {
        var path = _dir["bad.yaml"];
        File.WriteAllText(path, "profile: rand-sl3\ninterval: often\n");
        var (exit, _, stderr) = CliRunner.Run("agent", "run", "--config", path);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(stderr.Trim(), Is.EqualTo($"{path}:2: 'interval' must be a duration such as 30s, 15m, 1h or 1d, not 'often'"));
        });
    }

    [Test]
    public void Agent_run_with_an_unknown_profile_exits_2()
    {
        var path = _dir["bad.yaml"];
        File.WriteAllText(path, "profile: rand-sl9\n");
        var (exit, _, stderr) = CliRunner.Run("agent", "run", "--config", path);
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("unknown profile 'rand-sl9'"));
    }

    [Test]
    public void Agent_run_with_a_root_that_is_not_a_directory_exits_2_whether_configured_or_given()
    {
        var missing = _dir["no-such-root"];
        var configured = _dir["root.yaml"];
        File.WriteAllText(configured, $"root: {missing}\n");
        var fromConfig = CliRunner.Run("agent", "run", "--config", configured);
        var plain = _dir["plain.yaml"];
        File.WriteAllText(plain, "profile: rand-sl3\n");
        var fromCommandLine = CliRunner.Run("agent", "run", "--config", plain, "--root", missing);
        Assert.Multiple(() =>
        {
            Assert.That(fromConfig.ExitCode, Is.EqualTo(2));
            Assert.That(fromConfig.Stderr.Trim(), Is.EqualTo($"{configured}: root {missing}: no such directory"));
            Assert.That(fromCommandLine.ExitCode, Is.EqualTo(2), "--root overrides the configuration's root");
            Assert.That(fromCommandLine.Stderr.Trim(), Is.EqualTo($"{plain}: root {missing}: no such directory"));
        });
    }
}
