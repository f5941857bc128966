using WeightGuard.Testing;

namespace WeightGuard.Packaging.Tests;

/// <summary>The default agent configuration shipped in the .deb and, for Kubernetes, in the DaemonSet's ConfigMap.</summary>
public sealed class AgentConfigTests
{
    /// <summary>Every key the agent reads; <c>server</c> is optional (the enrolled server is the default).</summary>
    private static readonly string[] Keys =
    [
        "state", "profile", "weights", "interval", "jitter", "tpm", "spool.maxReports", "spool.maxBytes",
        "hashing.enabled", "hashing.gpuBusyPercent", "log.console", "log.file", "log.level",
    ];

    private static string DefaultConfig => File.ReadAllText(Path.Combine(RepoPaths.Root, "packaging/config/agent.yaml"));

    [Test]
    public void Default_configuration_sets_every_key_but_server()
    {
        var config = YamlFile.Documents(DefaultConfig).Single();
        Assert.That(config.LeafPaths(), Is.EquivalentTo(Keys));
        Assert.That(config.Scalar("state"), Is.EqualTo("/var/lib/weightguard"));
        Assert.That(config.Scalar("log", "file"), Does.StartWith("/var/log/weightguard/"));
    }

    [Test]
    public void Default_configuration_shows_server_commented_out() =>
        Assert.That(DefaultConfig, Does.Contain("\n#server: https://"));

    [Test]
    public void Kubernetes_configuration_sets_the_same_keys()
    {
        var configMap = DaemonSetTests.Manifest("ConfigMap");
        var config = YamlFile.Documents(configMap.Scalar("data", "agent.yaml")!).Single();
        Assert.That(config.LeafPaths(), Is.EquivalentTo(Keys));
    }
}
