namespace WeightGuard.Core.Evidence;

/// <summary>
/// Weight files found outside the configured weight paths, in the places copies end up: temporary directories,
/// shared memory, home directories and removable-media mount points. Found by magic bytes, as the inventory finds them.
/// </summary>
public sealed record StrayWeightEvidence
{
    /// <summary>The places searched and whether each could be read.</summary>
    public required IReadOnlyList<WeightRoot> Searched { get; init; }
    /// <summary>Weight files outside every approved weight path.</summary>
    public required IReadOnlyList<WeightFile> Copies { get; init; }
    /// <summary>Entries that could not be read.</summary>
    public IReadOnlyList<PathError> Errors { get; init; } = [];
    /// <summary>Entries visited.</summary>
    public required long EntriesVisited { get; init; }
    /// <summary>The search stopped at its entry budget, so copies may have been missed.</summary>
    public required bool Truncated { get; init; }
}
