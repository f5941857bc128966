namespace WeightGuard.Collectors.Weights.Hashing;

/// <summary>
/// Whether and how weight files are hashed (SHA-256): the CLI's <c>scan --hash</c> and the agent's
/// <c>hashing: {enabled, gpuBusyPercent}</c> configuration both map onto this.
/// </summary>
/// <param name="Enabled">Hash every weight file the inventory finds; off by default (weights are many GB).</param>
/// <param name="CachePath">A digest cache file on this machine: files whose identity and times are unchanged are not read again. Null: no cache.</param>
/// <param name="GpuBusyPercent">Hashing pauses while any GPU's utilisation is above this percentage (100: never pauses).</param>
/// <param name="Parallelism">How many files are hashed at once; null: one per processor, at most <see cref="MaxParallelism"/>.</param>
public sealed record WeightHashingOptions(bool Enabled = false, string? CachePath = null, int GpuBusyPercent = 80, int? Parallelism = null)
{
    /// <summary>The most files hashed at once, whatever the processor count (storage, not CPU, limits beyond this).</summary>
    public const int MaxParallelism = 16;

    /// <summary>The number of files hashed at once.</summary>
    public int DegreeOfParallelism => Math.Clamp(Parallelism ?? Environment.ProcessorCount, 1, MaxParallelism);
}
