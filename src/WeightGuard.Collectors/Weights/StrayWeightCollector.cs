using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Weights;

/// <summary>
/// Looks for weight files where copies end up outside the approved weight paths: <c>/tmp</c>, <c>/var/tmp</c>,
/// <c>/dev/shm</c>, home directories and removable-media mount points. It walks them as the inventory walks the weight
/// paths (magic bytes, links followed once, bounded in entries and depth) and keeps what lies outside every approved path.
/// </summary>
public sealed class StrayWeightCollector(HostRoot root, WeightWalkOptions? options = null)
{
    /// <summary>Where copies of weights commonly end up.</summary>
    public static readonly IReadOnlyList<string> Places = ["/tmp", "/var/tmp", "/dev/shm", "/home", "/root", "/media", "/mnt", "/run/media"];

    /// <summary>
    /// The default entry budget: smaller than the inventory's, as these places are searched on every scan. Only files named
    /// like weights are opened (key material in homes is not this search's business), so the cost is one directory listing.
    /// </summary>
    public static readonly WeightWalkOptions DefaultOptions = new(MaxEntries: 1_000_000, MaxDepth: 32, LookForKeys: false);

    /// <summary>Searches <see cref="Places"/> for weights outside <paramref name="approvedPaths"/>.</summary>
    public StrayWeightEvidence Collect(IReadOnlyList<string> approvedPaths, CancellationToken cancellation = default)
    {
        var walk = new WeightInventoryCollector(root, options ?? DefaultOptions).Collect(Places, null, cancellation).Inventory;
        bool Approved(string path) => approvedPaths.Any(a => path == a || path.StartsWith(a.TrimEnd('/') + "/", StringComparison.Ordinal));
        return new StrayWeightEvidence
        {
            Searched = walk.Roots,
            Copies = walk.Files.Where(f => !Approved(f.Path) && (f.Target is null || !Approved(f.Target))).ToList(),
            Errors = walk.Errors.Where(e => !Approved(e.Path)).ToList(),
            EntriesVisited = walk.EntriesVisited,
            Truncated = walk.Truncated,
        };
    }
}
