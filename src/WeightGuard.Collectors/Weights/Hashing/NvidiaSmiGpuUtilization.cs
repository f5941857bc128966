using WeightGuard.Collectors.Gpu;

namespace WeightGuard.Collectors.Weights.Hashing;

/// <summary>GPU utilisation from <c>nvidia-smi --query-gpu=utilization.gpu --format=csv,noheader,nounits</c>.</summary>
/// <param name="nvidiaSmi">How to run nvidia-smi.</param>
public sealed class NvidiaSmiGpuUtilization(INvidiaSmi nvidiaSmi) : IGpuUtilization
{
    /// <summary>
    /// The utilisation of the GPUs of the machine doing the hashing (also under <c>--root</c>: it is this machine's GPUs
    /// the hashing competes with), or null when nvidia-smi is not installed here.
    /// </summary>
    public static IGpuUtilization? ForThisMachine() =>
        NvidiaSmiProcess.Find() is { } path ? new NvidiaSmiGpuUtilization(new NvidiaSmiProcess(path)) : null;

    /// <inheritdoc />
    public IReadOnlyList<int?> Read()
    {
        var output = nvidiaSmi.Run(NvidiaSmiQuery.UtilizationCsv);
        if (output.ExitCode != 0)
            throw new InvalidDataException($"nvidia-smi --query-gpu=utilization.gpu exited {output.ExitCode}");
        return NvidiaSmiCsvParser.ParseUtilization(output.Stdout);
    }
}
