using System.Text.Json;
using WeightGuard.Testing;

namespace WeightGuard.Cli.Tests;

/// <summary>Runs the real <c>weightguard</c> program (as built beside the tests) in its own process.</summary>
internal static class CliRunner
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "weightguard.dll");

    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args) =>
        ExternalTool.Run(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [Dll, .. args]);

    public static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement;
}

/// <summary>Stops the run's swtpm after the last test.</summary>
[SetUpFixture]
public sealed class AssemblyFixture
{
    [OneTimeTearDown]
    public void StopSimulator() => Swtpm.StopShared();
}
