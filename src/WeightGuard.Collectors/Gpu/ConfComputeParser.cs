using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Gpu;

/// <summary>Reads the one-line answers of <c>nvidia-smi conf-compute -f / -e / -d / -grs</c>.</summary>
public static class ConfComputeParser
{
    /// <summary>nvidia-smi's exit code when no GPU supports confidential computing.</summary>
    public const int NotCapableExitCode = 6;

    private const string NotCapableText = "No CC capable devices found";

    /// <summary>True when the output says the system has no CC-capable GPU.</summary>
    public static bool SaysNotCapable(NvidiaSmiOutput output) =>
        output.ExitCode == NotCapableExitCode || output.Stdout.Contains(NotCapableText, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Builds the state from the four answers. A not-capable answer to any of them means not capable.
    /// </summary>
    /// <exception cref="InvalidDataException">An answer exited non-zero for another reason, or lacks the expected line.</exception>
    public static ConfidentialComputingState Parse(NvidiaSmiOutput status, NvidiaSmiOutput environment, NvidiaSmiOutput devTools, NvidiaSmiOutput ready)
    {
        if (new[] { status, environment, devTools, ready }.Any(SaysNotCapable)) return new ConfidentialComputingState { Capable = false };
        return new ConfidentialComputingState
        {
            Capable = true,
            Status = Field(status, "CC status", "-f"),
            Environment = Field(environment, "CC Environment", "-e"),
            DevToolsMode = Field(devTools, "DevTools Mode", "-d"),
            ReadyState = Field(ready, "Confidential Compute GPUs Ready state", "-grs"),
        };
    }

    /// <summary>The value after <c>LABEL:</c> on the line that starts with the label (case-insensitive), trimmed.</summary>
    private static string Field(NvidiaSmiOutput output, string label, string option)
    {
        if (output.ExitCode != 0) throw new InvalidDataException($"nvidia-smi conf-compute {option} exited {output.ExitCode}: {Clip(output.Stdout.Trim())}");
        foreach (var raw in output.Stdout.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith(label, StringComparison.OrdinalIgnoreCase) && line.IndexOf(':') is var colon and > 0)
            {
                var value = line[(colon + 1)..].Trim();
                if (value.Length is > 0 and <= 64) return value;
            }
        }
        throw new InvalidDataException($"nvidia-smi conf-compute {option}: no '{label}:' line in '{Clip(output.Stdout.Trim())}'");
    }

    private static string Clip(string s) => s.Length > 80 ? s[..80] + "…" : s;
}
