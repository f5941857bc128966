namespace WeightGuard.Collectors.Weights.Hashing;

/// <summary>How busy this machine's GPUs are now; hashing gives way to GPU work (see <see cref="GpuBusyGate"/>).</summary>
public interface IGpuUtilization
{
    /// <summary>Each GPU's utilisation in percent, in GPU index order; null for a GPU that does not report it.</summary>
    /// <exception cref="IOException">The source could not be asked.</exception>
    /// <exception cref="InvalidDataException">The answer could not be understood.</exception>
    IReadOnlyList<int?> Read();
}
