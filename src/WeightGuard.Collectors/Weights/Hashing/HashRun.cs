using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Weights.Hashing;

/// <summary>What one hashing pass produced.</summary>
/// <param name="Digests">Lower-case hex SHA-256 per host path of each distinct weight file hashed.</param>
/// <param name="Errors">Files that could not be hashed, and why.</param>
/// <param name="FilesRead">Files read and hashed in this pass.</param>
/// <param name="FromCache">Files whose digest came from the cache without reading them.</param>
/// <param name="BytesRead">Bytes read and hashed.</param>
public sealed record HashRun(IReadOnlyDictionary<string, string> Digests, IReadOnlyList<PathError> Errors, int FilesRead, int FromCache, long BytesRead)
{
    /// <summary>The inventory with each file's digest set (through its link target when it is a link) and the hashing errors added.</summary>
    public WeightInventory ApplyTo(WeightInventory inventory) => inventory with
    {
        Files = inventory.Files.Select(f => Digests.TryGetValue(f.Target ?? f.Path, out var d) ? f with { Sha256 = d } : f).ToList(),
        Errors = inventory.Errors.Concat(Errors).OrderBy(e => e.Path, StringComparer.Ordinal).ToList(),
    };
}
