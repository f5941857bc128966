using WeightGuard.Testing;

namespace WeightGuard.Cli.Tests;

/// <summary>Runs the real <c>weightguard</c> binary (its build output, copied beside the tests) as a separate process.</summary>
internal static class WeightGuardProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "weightguard-cli", "weightguard.dll");

    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args) =>
        ExternalTool.Run("dotnet", [Dll, .. args], env: new Dictionary<string, string> { ["NO_COLOR"] = "1", ["COLUMNS"] = "200" });

    /// <summary>
    /// Runs it on hostile input within the bounds the product promises: 20 seconds (a hang fails the test) and a 256 MiB
    /// GC heap (more would be an OutOfMemoryException, which the top-level guard reports as an internal error, exit 3).
    /// </summary>
    public static (int ExitCode, string Stdout, string Stderr) RunBounded(params string[] args) =>
        ExternalTool.Run("dotnet", [Dll, .. args], timeout: TimeSpan.FromSeconds(20),
            env: new Dictionary<string, string> { ["NO_COLOR"] = "1", ["COLUMNS"] = "200", ["DOTNET_GCHeapHardLimit"] = "0x10000000" });
}
