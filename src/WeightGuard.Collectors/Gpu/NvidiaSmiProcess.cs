using WeightGuard.Collectors.Platform;

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
    public static string? Find() => OperatingSystem.IsWindows()
        ? Find(Environment.GetEnvironmentVariable("PATH"), ';', "nvidia-smi.exe",
            WindowsDirs(Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles), Environment.GetFolderPath(Environment.SpecialFolder.System)))
        : Find(Environment.GetEnvironmentVariable("PATH"), ':', "nvidia-smi", FallbackDirs);

    /// <summary>Where the NVIDIA driver installs nvidia-smi.exe on Windows: <c>%ProgramFiles%\NVIDIA Corporation\NVSMI</c> (older drivers), then System32 (DCH drivers).</summary>
    public static IReadOnlyList<string> WindowsDirs(string programFiles, string system32) => [Path.Combine(programFiles, "NVIDIA Corporation", "NVSMI"), system32];

    /// <summary>The first <paramref name="fileName"/> in the directories of <paramref name="pathVariable"/>, then in <paramref name="fallbackDirs"/>.</summary>
    public static string? Find(string? pathVariable, char separator, string fileName, IEnumerable<string> fallbackDirs) =>
        (pathVariable ?? "").Split(separator, StringSplitOptions.RemoveEmptyEntries)
        .Concat(fallbackDirs).Where(Path.IsPathRooted).Select(d => Path.Combine(d, fileName)).FirstOrDefault(File.Exists);

    /// <inheritdoc />
    public NvidiaSmiOutput Run(NvidiaSmiQuery query)
    {
        var output = BoundedProcess.Run(path, NvidiaSmiQueries.Arguments(query), Timeout, MaxOutputChars);
        // conf-compute prints "No CC capable devices found" on stdout on some drivers and stderr on others.
        return new NvidiaSmiOutput(output.ExitCode, output.Stdout.Length == 0 ? output.Stderr : output.Stdout);
    }
}
