using WeightGuard.Testing;

namespace WeightGuard.Cli.Tests;

/// <summary>Runs the real <c>weightguard</c> binary (its build output, copied beside the tests) as a separate process.</summary>
internal static class WeightGuardProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "weightguard-cli", "weightguard.dll");

    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args) =>
        ExternalTool.Run("dotnet", [Dll, .. args], env: new Dictionary<string, string> { ["NO_COLOR"] = "1", ["COLUMNS"] = "200" });
}
