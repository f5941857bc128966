using System.Text.Json;
using WeightGuard.Testing;

namespace WeightGuard.Cli.Tests;

/// <summary>Runs <c>weightguard</c> in its own process and reads its JSON output.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args) => WeightGuardProcess.Run(args);

    public static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement;
}

/// <summary>Stops the run's swtpm after the last test.</summary>
[SetUpFixture]
public sealed class AssemblyFixture
{
    [OneTimeTearDown]
    public void StopSimulator() => Swtpm.StopShared();
}
