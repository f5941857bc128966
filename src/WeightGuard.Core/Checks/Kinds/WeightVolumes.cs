using WeightGuard.Core.Evidence;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>The encrypted volumes under the weight paths, each once, with a pointer to its unlock methods.</summary>
internal static class WeightVolumes
{
    /// <summary>Each distinct volume (by type and name) in the order the paths list them, first occurrence's pointer.</summary>
    public static IReadOnlyList<(EncryptedVolume Volume, string UnlockPointer)> Distinct(StorageEvidence storage)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var volumes = new List<(EncryptedVolume, string)>();
        for (var i = 0; i < storage.Paths.Count; i++)
            for (var j = 0; j < storage.Paths[i].Volumes.Count; j++)
            {
                var v = storage.Paths[i].Volumes[j];
                if (seen.Add(v.Type + ":" + v.Name)) volumes.Add((v, EvidencePointer.To("storage", "paths", i, "volumes", j, "unlock")));
            }
        return volumes;
    }
}
