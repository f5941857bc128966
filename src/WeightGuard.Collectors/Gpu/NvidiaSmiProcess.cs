using System.Diagnostics;
using System.Text;

namespace WeightGuard.Collectors.Gpu;

/// <summary>Runs the real nvidia-smi directly (no shell), with a time limit and a cap on what it may print.</summary>
/// <param name="path">Full path of the nvidia-smi executable.</param>
public sealed class NvidiaSmiProcess(string path) : INvidiaSmi
{
    private const int MaxOutputChars = 16 << 20;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly string[] FallbackDirs = ["/usr/bin", "/usr/local/bin", "/usr/local/nvidia/bin", "/opt/nvidia/bin"];

    /// <inheritdoc />
    public string Source => "nvidia-smi";

    /// <summary>nvidia-smi's full path from PATH (then the usual install directories), or null when it is not installed.</summary>
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Concat(FallbackDirs).Where(Path.IsPathRooted).Select(d => Path.Combine(d, "nvidia-smi")).FirstOrDefault(File.Exists);

    /// <inheritdoc />
    public NvidiaSmiOutput Run(NvidiaSmiQuery query)
    {
        var psi = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in NvidiaSmiQueries.Arguments(query)) psi.ArgumentList.Add(a);
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
            var stdout = ReadCapped(process.StandardOutput);
            var stderr = ReadCapped(process.StandardError);
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new IOException($"nvidia-smi {string.Join(' ', psi.ArgumentList)}: no answer within {Timeout.TotalSeconds:0} s");
            }
            process.WaitForExit();
            var text = stdout.GetAwaiter().GetResult();
            if (text is null) throw new IOException($"nvidia-smi {string.Join(' ', psi.ArgumentList)}: more than {MaxOutputChars} characters of output");
            // conf-compute prints "No CC capable devices found" on stdout on some drivers and stderr on others.
            var err = stderr.GetAwaiter().GetResult() ?? "";
            return new NvidiaSmiOutput(process.ExitCode, text.Length == 0 ? err : text);
        }
    }

    /// <summary>Reads a stream to its end, or gives null once it exceeds the cap (the rest is drained and dropped).</summary>
    private static async Task<string?> ReadCapped(StreamReader reader)
    {
        var text = new StringBuilder();
        var buffer = new char[8192];
        int n;
        while ((n = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            if (text.Length + n > MaxOutputChars)
            {
                while (await reader.ReadAsync(buffer).ConfigureAwait(false) > 0) { }
                return null;
            }
            text.Append(buffer, 0, n);
        }
        return text.ToString();
    }
}
