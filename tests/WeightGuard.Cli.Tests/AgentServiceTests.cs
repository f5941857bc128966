using System.Collections.Concurrent;
using System.Diagnostics;
using WeightGuard.Agent.Tests;
using WeightGuard.Testing;

namespace WeightGuard.Cli.Tests;

/// <summary><c>weightguard agent run</c> as a long-running service process: deliver, reload on SIGHUP, stop on SIGTERM.</summary>
[NonParallelizable]
public sealed class AgentServiceTests
{
    [Test]
    public async Task The_service_delivers_reloads_on_SIGHUP_keeps_a_good_config_over_a_bad_one_and_stops_on_SIGTERM()
    {
        using var pki = new TestPki();
        await using var server = await FakeAggregator.Start(pki);
        using var dir = new TempDirectory();
        var state = dir["state"];
        Assert.That(CliRunner.Run("enroll", "--server", server.Url.ToString(), "--token", server.NewToken().ToString(), "--tpm", "none", "--state", state).ExitCode, Is.EqualTo(0));
        var config = dir["agent.yaml"];
        var good = $"state: {state}\nweights: [{dir["models"]}]\ntpm: none\ninterval: 1h\njitter: 0s\n";
        File.WriteAllText(config, good);

        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { WeightGuardProcess.Dll, "agent", "run", "--config", config }) psi.ArgumentList.Add(a);
        using var agent = Process.Start(psi)!;
        var lines = new BlockingCollection<string>();
        agent.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Add(e.Data); };
        agent.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Add(e.Data); };
        agent.BeginErrorReadLine();
        agent.BeginOutputReadLine();
        try
        {
            WaitFor(lines, "Delivered report");
            Assert.That(server.Reports, Has.Count.EqualTo(1));

            File.WriteAllText(config, good + "interval: often\n");
            Signal(agent, "HUP");
            Assert.That(WaitFor(lines, "Configuration not reloaded"), Does.Contain($"{config}:6: "));

            File.WriteAllText(config, good.Replace("interval: 1h", "interval: 2h"));
            Signal(agent, "HUP");
            WaitFor(lines, "Configuration reloaded");

            Signal(agent, "TERM");
            Assert.That(agent.WaitForExit(TimeSpan.FromSeconds(60)), Is.True, "stops on SIGTERM");
            Assert.That(agent.ExitCode, Is.EqualTo(0));
            Assert.That(server.Reports, Has.Count.EqualTo(1), "no second scan before the interval");
        }
        finally
        {
            if (!agent.HasExited) agent.Kill();
        }
    }

    private static void Signal(Process process, string signal) =>
        Assert.That(ExternalTool.Run("kill", ["-" + signal, process.Id.ToString()]).ExitCode, Is.EqualTo(0));

    /// <summary>The first log line containing <paramref name="text"/>; fails if the agent never writes one.</summary>
    private static string WaitFor(BlockingCollection<string> lines, string text)
    {
        var seen = new List<string>();
        while (lines.TryTake(out var line, TimeSpan.FromMinutes(2)))
        {
            if (line.Contains(text, StringComparison.Ordinal)) return line;
            seen.Add(line);
        }
        Assert.Fail($"the agent never logged '{text}'; it logged:\n{string.Join('\n', seen)}");
        return "";
    }
}
