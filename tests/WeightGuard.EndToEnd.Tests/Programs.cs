using System.Diagnostics;
using WeightGuard.Cli.Tests;
using WeightGuard.Testing;

namespace WeightGuard.EndToEnd.Tests;

/// <summary>The two real programs, from their build outputs copied beside the tests.</summary>
internal static class Programs
{
    /// <summary><c>weightguard</c>.</summary>
    public static string WeightGuard => WeightGuardProcess.Dll;

    /// <summary><c>weightguard-aggregator</c>.</summary>
    public static string Aggregator => Path.Combine(AppContext.BaseDirectory, "weightguard-aggregator-app", "weightguard-aggregator.dll");

    private static readonly Dictionary<string, string> Plain = new() { ["NO_COLOR"] = "1", ["COLUMNS"] = "200" };

    /// <summary>Runs <c>weightguard ARGS</c> to completion.</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunWeightGuard(params string[] args) => WeightGuardProcess.Run(args);

    /// <summary>Runs <c>weightguard-aggregator ARGS</c> to completion.</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunAggregator(params string[] args) =>
        ExternalTool.Run("dotnet", [Aggregator, .. args], env: Plain);

    /// <summary>Starts a long-running program; its output goes to <paramref name="log"/> so that it never blocks on a full pipe.</summary>
    public static Process Start(string dll, string log, params string[] args)
    {
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        // sh only redirects and execs: the process id is the program's own, so signals and kill -9 reach it.
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec \"$0\" \"$@\" >>\"$WG_TEST_LOG\" 2>&1");
        psi.ArgumentList.Add("dotnet");
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["WG_TEST_LOG"] = log;
        foreach (var (k, v) in Plain) psi.Environment[k] = v;
        return Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + dll);
    }

    /// <summary>The last line of a program's output (where tokens are printed).</summary>
    public static string LastLine(string text) => text.TrimEnd('\n').Split('\n')[^1];
}
