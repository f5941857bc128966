using WeightGuard.Collectors.Weights.Hashing;

namespace WeightGuard.Collectors.Weights.Manifests;

/// <summary>
/// Makes the manifest of weight directories on this machine: the weight files the agent's inventory would find there
/// (same walk, same recognition by extension and magic), each hashed in full. A manifest is all or nothing: a
/// directory, entry or file that cannot be read stops it, since an incomplete one would later fail every unlisted file.
/// </summary>
public static class WeightManifestBuilder
{
    /// <summary>The manifest of <paramref name="directories"/> (absolute, none inside another) as of <paramref name="createdAt"/>.</summary>
    /// <exception cref="InvalidDataException">A directory is not absolute, overlaps another, or something under one cannot be read.</exception>
    public static WeightManifest Build(IReadOnlyList<string> directories, DateTimeOffset createdAt, IProgress<string>? progress = null,
        CancellationToken cancellation = default)
    {
        var roots = directories.Select(d => d.Length > 1 ? d.TrimEnd('/') : d).ToList();
        foreach (var d in roots.Where(d => !d.StartsWith('/'))) throw new InvalidDataException($"{d}: not an absolute path");
        foreach (var inner in roots)
            if (roots.FirstOrDefault(outer => outer != inner && Under(inner, outer)) is { } outer)
                throw new InvalidDataException($"{inner} lies inside {outer}: give each weight directory once");
        var walk = new WeightInventoryCollector(HostRoot.Live, new WeightWalkOptions(LookForKeys: false)).Collect(roots, cancellation: cancellation);
        if (walk.Inventory.Roots.FirstOrDefault(r => r.Status != "scanned") is { } root)
            throw new InvalidDataException($"{root.Path}: {root.Status}{(root.Reason is null ? "" : ": " + root.Reason)}");
        if (walk.Inventory.Truncated) throw new InvalidDataException($"the walk stopped after {walk.Inventory.EntriesVisited} entries; too many to list");
        // every byte is read: this is run once, on the machine that holds the approved weights, not beside live GPU work
        var hashed = WeightHashing.Run(walk, new WeightHashingOptions(Enabled: true, GpuBusyPercent: 100), null, progress, cancellation: cancellation).Inventory;
        if (hashed.Errors.FirstOrDefault() is { } error) throw new InvalidDataException($"{error.Path}: {error.Reason}");
        var manifestDirectories = roots.Select(d => new ManifestDirectory(d, hashed.Files
                .Where(f => Under(f.Path, d))
                .Select(f => new ManifestEntry(f.Path[(d == "/" ? 1 : d.Length + 1)..], f.Size, f.Sha256!))
                .OrderBy(e => e.Path, StringComparer.Ordinal).ToList()))
            .ToList();
        return new WeightManifest(WeightManifest.SchemaV1, createdAt, manifestDirectories);
    }

    private static bool Under(string path, string directory) => directory == "/" ? path.Length > 1 : path.StartsWith(directory + "/", StringComparison.Ordinal);
}
