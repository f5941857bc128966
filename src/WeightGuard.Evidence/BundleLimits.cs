namespace WeightGuard.Evidence;

/// <summary>Bounds on what a bundle may hold; the verifier checks them before it decompresses anything.</summary>
public sealed record BundleLimits
{
    /// <summary>Most entries (a 1,000-host export has about 5,000).</summary>
    public int MaxEntries { get; init; } = 200_000;
    /// <summary>
    /// Largest uncompressed entry (event logs are at most 16 MiB, reports 8 MiB; the findings files grow with the export:
    /// a 1,000-host export of 2,000 reports carries about 56 MiB of OCSF).
    /// </summary>
    public long MaxEntryBytes { get; init; } = 256L * 1024 * 1024;
    /// <summary>Largest total uncompressed size; every entry is held in memory, never extracted to disk.</summary>
    public long MaxTotalBytes { get; init; } = 2L * 1024 * 1024 * 1024;
    /// <summary>Largest ratio of uncompressed to compressed size, for entries above <see cref="RatioCheckedAbove"/> bytes.</summary>
    public int MaxCompressionRatio { get; init; } = 200;
    /// <summary>
    /// Largest ratio of the whole archive's declared uncompressed size to its size on disk, once the declared size passes
    /// <see cref="ArchiveRatioCheckedAbove"/>: every entry is held in memory, so a small bundle of many entries each just
    /// under <see cref="MaxCompressionRatio"/> must not inflate to gigabytes. Exports of JSON reports stay near 10:1.
    /// </summary>
    public int MaxArchiveRatio { get; init; } = 30;
    /// <summary>Bundles declaring less than this uncompressed are not checked by <see cref="MaxArchiveRatio"/>.</summary>
    public long ArchiveRatioCheckedAbove { get; init; } = 64L * 1024 * 1024;
    /// <summary>Entries this small are not ratio-checked (a short JSON file of repeated text compresses well and harms nothing).</summary>
    public long RatioCheckedAbove { get; init; } = 1024 * 1024;

    /// <summary>The defaults.</summary>
    public static BundleLimits Default { get; } = new();
}
