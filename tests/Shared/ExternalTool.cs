using System.Diagnostics;

namespace WeightGuard.Testing;

/// <summary>
/// Gates tests on real external tools (swtpm, cryptsetup, PostgreSQL, Chromium…). On a developer machine a missing tool
/// skips the test with a message naming it; in CI (<c>CI=true</c>) a missing tool fails the test, because CI installs them.
/// </summary>
public static class ExternalTool
{
    /// <summary>True when running under CI, where every tool the tests need must be present.</summary>
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Returns the full path of <paramref name="name"/> on PATH (or sbin), or stops the test as described above.</summary>
    public static string Require(string name)
    {
        var found = Find(name);
        if (found is not null) return found;
        var message = $"{name} is not installed (install it with apt-get; .ci/run does)";
        if (InCi) Assert.Fail(message);
        Assert.Ignore(message);
        return name; // unreachable: both asserts throw
    }

    /// <summary>Finds an executable on PATH or in the sbin directories, or null.</summary>
    public static string? Find(string name)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin", "/usr/local/sbin"]);
        return dirs.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }

    /// <summary>Runs a tool to completion and returns its exit code, stdout and stderr. Never uses a shell.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string tool, IEnumerable<string> args, string? stdin = null,
        TimeSpan? timeout = null, IDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {tool}");
        if (stdin is not null) { p.StandardInput.Write(stdin); p.StandardInput.Close(); }
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{tool} {string.Join(' ', args)} did not finish in time");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
