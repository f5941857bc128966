namespace WeightGuard.Collectors.Weights.Hashing;

/// <summary>Hashes the weight files of a walk as <see cref="WeightHashingOptions"/> say, with the digest cache loaded and saved around it.</summary>
public static class WeightHashing
{
    /// <summary>
    /// The walk's inventory with a SHA-256 per weight file. Problems that leave the evidence right but cost time (a
    /// discarded or unwritable cache) go to <paramref name="warn"/>; files that cannot be hashed become inventory errors.
    /// </summary>
    public static HashedInventory Run(WeightWalk walk, WeightHashingOptions options, IGpuUtilization? gpus,
        IProgress<string>? progress = null, Action<string>? warn = null, CancellationToken cancellation = default)
    {
        var cache = DigestCache.Empty;
        if (options.CachePath is { } cachePath)
        {
            cache = new DigestCache(DigestCacheFile.Load(cachePath, out var warning));
            if (warning is not null) warn?.Invoke(warning);
        }
        var gate = new GpuBusyGate(gpus, options.GpuBusyPercent, progress);
        var sizes = walk.Inventory.Files.ToLookup(f => f.Target ?? f.Path, f => f.Size, StringComparer.Ordinal);
        var targets = walk.WeightTargets.Select(t => new HashTarget(t.HostPath, t.LocalPath, sizes[t.HostPath].FirstOrDefault())).ToList();
        var run = new WeightHasher(cache, gate, options.DegreeOfParallelism).Hash(targets, progress, cancellation);
        if (options.CachePath is not null && cache.Changed)
        {
            try
            {
                DigestCacheFile.Save(options.CachePath, cache.ToSave());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                warn?.Invoke($"digest cache {options.CachePath} not saved: {e.Message}");
            }
        }
        return new HashedInventory(run.ApplyTo(walk.Inventory), run, gate.Pauses);
    }
}

/// <summary>The inventory with digests, and how the hashing went.</summary>
/// <param name="Inventory">The inventory with a digest per weight file that could be hashed.</param>
/// <param name="Run">Counts of files read and taken from the cache.</param>
/// <param name="Pauses">How often hashing waited for a busy GPU.</param>
public sealed record HashedInventory(Core.Evidence.WeightInventory Inventory, HashRun Run, int Pauses);
