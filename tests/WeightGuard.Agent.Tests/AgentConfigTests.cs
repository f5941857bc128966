using Serilog.Events;
using WeightGuard.Agent.Config;

namespace WeightGuard.Agent.Tests;

public sealed class AgentConfigTests
{
    private const string Full = """
        server: https://aggregator.example:8443   # optional: defaults to the enrolled server
        state: /var/lib/weightguard
        root: /host
        profile: rand-sl4
        weights: [/models, /srv/models]
        interval: 30m
        jitter: 90s
        tpm: swtpm:127.0.0.1:2321
        spool:
          maxReports: 50
          maxBytes: 64MiB
        hashing:
          enabled: true
          gpuBusyPercent: 60
          manifests: [/etc/weightguard/manifests/llama.wgm]
          manifestSigners: [/etc/weightguard/manifest-signer.pem]
        log:
          console: false
          file: /var/log/weightguard/agent.json
          level: debug
        """;

    [Test]
    public void Every_key_is_read()
    {
        var result = AgentConfigLoader.Load("agent.yaml", Full);
        Assert.That(result.Errors, Is.Empty);
        var c = result.Config!;
        Assert.Multiple(() =>
        {
            Assert.That(c.Server, Is.EqualTo(new Uri("https://aggregator.example:8443")));
            Assert.That(c.State, Is.EqualTo("/var/lib/weightguard"));
            Assert.That(c.SpoolDirectory, Is.EqualTo("/var/lib/weightguard/spool"));
            Assert.That(c.StatusFile, Is.EqualTo("/var/lib/weightguard/status.json"));
            Assert.That(c.Root, Is.EqualTo("/host"));
            Assert.That(c.Profile, Is.EqualTo("rand-sl4"));
            Assert.That(c.Weights, Is.EqualTo(new[] { "/models", "/srv/models" }));
            Assert.That(c.Interval, Is.EqualTo(TimeSpan.FromMinutes(30)));
            Assert.That(c.Jitter, Is.EqualTo(TimeSpan.FromSeconds(90)));
            Assert.That(c.Tpm, Is.EqualTo("swtpm:127.0.0.1:2321"));
            Assert.That(c.Spool.MaxReports, Is.EqualTo(50));
            Assert.That(c.Spool.MaxBytes, Is.EqualTo(64L * 1024 * 1024));
            Assert.That((c.Hashing.Enabled, c.Hashing.GpuBusyPercent), Is.EqualTo((true, 60)));
            Assert.That(c.Hashing.Manifests, Is.EqualTo(new[] { "/etc/weightguard/manifests/llama.wgm" }));
            Assert.That(c.Hashing.ManifestSigners, Is.EqualTo(new[] { "/etc/weightguard/manifest-signer.pem" }));
            Assert.That(c.Log, Is.EqualTo(new LogConfig(false, "/var/log/weightguard/agent.json", LogEventLevel.Debug)));
        });
    }

    [Test]
    public void An_empty_file_means_the_defaults()
    {
        var c = AgentConfigLoader.Load("agent.yaml", "# nothing set\n").Config!;
        Assert.Multiple(() =>
        {
            Assert.That(c.Server, Is.Null);
            Assert.That(c.State, Is.EqualTo("/var/lib/weightguard"));
            Assert.That(c.Root, Is.EqualTo("/"));
            Assert.That(c.Profile, Is.EqualTo("rand-sl3"));
            Assert.That(c.Weights, Is.Null);
            Assert.That(c.Interval, Is.EqualTo(TimeSpan.FromHours(1)));
            Assert.That(c.Jitter, Is.EqualTo(TimeSpan.FromMinutes(10)));
            Assert.That(c.Tpm, Is.EqualTo("auto"));
            Assert.That(c.Spool, Is.EqualTo(new Spool.SpoolLimits(1000, 256L * 1024 * 1024)));
            Assert.That(c.Hashing, Is.EqualTo(new HashingConfig(false, 80)));
            Assert.That(c.Log, Is.EqualTo(new LogConfig(true, null, LogEventLevel.Information)));
        });
    }

    [TestCase("server: http://aggregator:80", 1, "'server' must be an https:// URL")]
    [TestCase("state: relative/dir", 1, "'state' must be an absolute path")]
    [TestCase("profile: rand-sl3\nweights: [models]", 2, "'weights' entries must be absolute paths")]
    [TestCase("weights: /models", 1, "'weights' must be a list")]
    [TestCase("interval: 1x", 1, "'interval' must be a duration such as 30s, 15m, 1h or 1d, not '1x'")]
    [TestCase("interval: 0s", 1, "'interval' must be at least 1s")]
    [TestCase("root: host", 1, "'root' must be an absolute path, not 'host'")]
    [TestCase("jitter: -5m", 1, "'jitter' must be a duration")]
    [TestCase("interval: 9999999d", 1, "'interval' must be a duration")]
    [TestCase("tpm: maybe", 1, "'tpm': 'maybe' is not a TPM selector")]
    [TestCase("spool:\n  maxReports: 0", 2, "'maxReports' must be a whole number from 1 to 1000000, not '0'")]
    [TestCase("spool:\n  maxBytes: 12 parsecs", 2, "'maxBytes' must be a size of at least 1MiB")]
    [TestCase("spool:\n  maxBytes: 99999999999999GiB", 2, "'maxBytes' must be a size")]
    [TestCase("spool:\n  maxReport: 5", 2, "unknown key 'maxReport'")]
    [TestCase("spool: 5", 1, "'spool' must be a mapping")]
    [TestCase("hashing:\n  enabled: yes", 2, "'enabled' must be true or false, not 'yes'")]
    [TestCase("hashing:\n  gpuBusyPercent: 101", 2, "'gpuBusyPercent' must be a whole number from 0 to 100")]
    [TestCase("hashing:\n  manifests: [llama.wgm]\n  manifestSigners: [/s.pem]", 2, "'manifests' entries must be absolute paths, not 'llama.wgm'")]
    [TestCase("hashing:\n  manifests: [/llama.wgm]", 2, "'manifests' needs 'manifestSigners'")]
    [TestCase("log:\n  level: chatty", 2, "'level' must be one of verbose, debug, information, warning, error, fatal")]
    [TestCase("log:\n  file: agent.json", 2, "'file' must be an absolute path")]
    [TestCase("profile: a\nprofile: b", 2, "Duplicate key profile")]
    [TestCase("intervall: 1h", 1, "unknown key 'intervall'")]
    [TestCase("server: [unterminated", 2, "invalid YAML")]
    [TestCase("- just\n- a list", 1, "expected one YAML mapping")]
    public void A_bad_value_is_reported_with_file_and_line(string yaml, int line, string message)
    {
        var result = AgentConfigLoader.Load("/etc/weightguard/agent.yaml", yaml);
        Assert.Multiple(() =>
        {
            Assert.That(result.Config, Is.Null);
            Assert.That(result.Errors.Select(e => e.ToString()), Has.Some.StartsWith($"/etc/weightguard/agent.yaml:{line}: ").And.Some.Contains(message));
        });
    }

    [Test]
    public void Every_problem_in_a_file_is_reported_at_once()
    {
        var result = AgentConfigLoader.Load("agent.yaml", "interval: soon\ntpm: maybe\nlog:\n  level: chatty\n");
        Assert.That(result.Errors.Select(e => e.Location.Line), Is.EqualTo(new[] { 1, 2, 4 }));
    }

    [Test]
    public void A_missing_oversized_or_binary_file_is_an_error_not_a_crash()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir["big.yaml"], new byte[AgentConfigLoader.MaxBytes + 1]);
        File.WriteAllBytes(dir["binary.yaml"], [0x70, 0x3a, 0x20, 0xff, 0xfe, 0x0a]);
        Assert.Multiple(() =>
        {
            Assert.That(AgentConfigLoader.LoadFile(dir["absent.yaml"]).Errors.Single().ToString(), Is.EqualTo(dir["absent.yaml"] + ":1: no such file"));
            Assert.That(AgentConfigLoader.LoadFile(dir["big.yaml"]).Errors.Single().Message, Does.StartWith("larger than"));
            Assert.That(AgentConfigLoader.LoadFile(dir["binary.yaml"]).Errors.Single().Message, Is.EqualTo("not UTF-8 text"));
        });
    }

    [TestCase("30s", 30)]
    [TestCase("15m", 900)]
    [TestCase("1h", 3600)]
    [TestCase("1d", 86400)]
    public void Durations(string text, int seconds) =>
        Assert.That(AgentConfigLoader.ParseDuration(text), Is.EqualTo(TimeSpan.FromSeconds(seconds)));

    [TestCase("256MiB", 256L * 1024 * 1024)]
    [TestCase("1GiB", 1L << 30)]
    [TestCase("500MB", 500_000_000L)]
    [TestCase("4096", 4096L)]
    public void Sizes(string text, long bytes) => Assert.That(AgentConfigLoader.ParseSize(text), Is.EqualTo(bytes));
}
