using System.Diagnostics;
using System.Text;

namespace WeightGuard.Collectors.Platform;

/// <summary>What a finished tool printed.</summary>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="Stdout">Standard output.</param>
/// <param name="Stderr">Standard error (cut at the same cap, never an error).</param>
public sealed record ProcessOutput(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs a read-only host tool directly (no shell), with a time limit and a cap on what it may print.</summary>
public static class BoundedProcess
{
    /// <summary>Runs <paramref name="path"/> with <paramref name="arguments"/> to completion.</summary>
    /// <exception cref="IOException">It could not start, ran past <paramref name="timeout"/> (it is killed), or printed more than <paramref name="maxOutputChars"/>.</exception>
    public static ProcessOutput Run(string path, IEnumerable<string> arguments, TimeSpan timeout, int maxOutputChars)
    {
        var psi = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        var command = $"{Path.GetFileName(path)} {string.Join(' ', psi.ArgumentList)}";
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new IOException($"{path}: could not be started");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new IOException($"{path}: {e.Message}", e);
        }
        using (process)
        {
            var stdout = ReadCapped(process.StandardOutput, maxOutputChars);
            var stderr = ReadCapped(process.StandardError, maxOutputChars);
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new IOException($"{command}: no answer within {timeout.TotalSeconds:0} s");
            }
            process.WaitForExit();
            var text = stdout.GetAwaiter().GetResult() ?? throw new IOException($"{command}: more than {maxOutputChars} characters of output");
            return new ProcessOutput(process.ExitCode, text, stderr.GetAwaiter().GetResult() ?? "");
        }
    }

    /// <summary>Reads a stream to its end, or gives null once it exceeds the cap (the rest is drained and dropped).</summary>
    private static async Task<string?> ReadCapped(StreamReader reader, int maxChars)
    {
        var text = new StringBuilder();
        var buffer = new char[8192];
        int n;
        while ((n = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            if (text.Length + n > maxChars)
            {
                while (await reader.ReadAsync(buffer).ConfigureAwait(false) > 0) { }
                return null;
            }
            text.Append(buffer, 0, n);
        }
        return text.ToString();
    }
}
