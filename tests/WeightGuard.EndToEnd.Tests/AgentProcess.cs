using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using WeightGuard.Testing;

namespace WeightGuard.EndToEnd.Tests;

/// <summary>
/// A real <c>weightguard agent run</c> service with its configuration, its state directory and its console log, which
/// every start appends to. The report ids it made are read from that log, the spool depth from <c>status.json</c>.
/// </summary>
internal sealed partial class AgentProcess(string configFile, string root, string stateDirectory, string logFile) : IDisposable
{
    private Process? _process;

    /// <summary>Writes a configuration: scan every second, no jitter, console log only; the agent reads <paramref name="root"/> as the host.</summary>
    public static AgentProcess Configure(string directory, string root)
    {
        var state = Path.Combine(directory, "state");
        var config = Path.Combine(directory, "agent.yaml");
        File.WriteAllText(config, $"""
            state: {state}
            weights: [/models]
            interval: 1s
            jitter: 0s
            tpm: none
            log:
              console: true
              level: information
            """);
        return new AgentProcess(config, root, state, Path.Combine(directory, "agent.log"));
    }

    public string State => stateDirectory;

    public string Log => File.Exists(logFile) ? File.ReadAllText(logFile) : "";

    /// <summary>Starts <c>agent run</c> with the host's root on the command line, as the DaemonSet does.</summary>
    public void Start()
    {
        Assert.That(_process, Is.Null, "already running");
        _process = Programs.Start(Programs.WeightGuard, logFile, "agent", "run", "--config", configFile, "--root", root);
    }

    /// <summary>Runs <c>agent run --once</c> to completion and returns its exit code.</summary>
    public int RunOnce()
    {
        var once = Programs.RunWeightGuard("agent", "run", "--once", "--config", configFile, "--root", root);
        File.AppendAllText(logFile, once.Stdout + once.Stderr);
        return once.ExitCode;
    }

    /// <summary>Stops the agent: <c>TERM</c> (a clean stop, awaited) or <c>KILL</c> (a crash).</summary>
    public void Stop(string signal)
    {
        if (_process is null) return;
        Assert.That(ExternalTool.Run("kill", ["-" + signal, _process.Id.ToString()]).ExitCode, Is.EqualTo(0));
        Assert.That(_process.WaitForExit(TimeSpan.FromMinutes(1)), Is.True, $"the agent did not exit on SIG{signal}");
        if (signal == "TERM") Assert.That(_process.ExitCode, Is.EqualTo(0), "a clean stop: " + Log);
        _process.Dispose();
        _process = null;
    }

    /// <summary>Fails the test with the agent's log when the agent has exited on its own.</summary>
    public void AssertRunning()
    {
        if (_process is { HasExited: true }) Assert.Fail($"the agent exited with {_process.ExitCode}:\n{Log}");
    }

    /// <summary>The report ids the agent's scans made, in order, from its log.</summary>
    public IReadOnlyList<Guid> ScannedReportIds() =>
        ScanLine().Matches(Log).Select(m => Guid.Parse(m.Groups[1].Value)).ToList();

    /// <summary>The agent's <c>status.json</c> (empty before its first write).</summary>
    public JsonElement Status()
    {
        var path = Path.Combine(stateDirectory, "status.json");
        return File.Exists(path) ? JsonDocument.Parse(File.ReadAllBytes(path)).RootElement.Clone() : JsonDocument.Parse("{}").RootElement.Clone();
    }

    public int SpoolDepth => Status().TryGetProperty("spoolDepth", out var depth) ? depth.GetInt32() : 0;

    [GeneratedRegex(@"Scan ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):")]
    private static partial Regex ScanLine();

    public void Dispose()
    {
        if (_process is { HasExited: false }) _process.Kill();
        _process?.Dispose();
    }
}
