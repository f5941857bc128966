namespace WeightGuard.Evidence;

/// <summary>
/// Something the aggregator stored and flagged, which verification confirms as flagged rather than counts as a defect:
/// the bundle is what the aggregator says it is, and an auditor should still read it.
/// </summary>
/// <param name="File">The bundle path it concerns.</param>
/// <param name="Kind">What kind of flag, e.g. <see cref="NameMismatch"/>.</param>
/// <param name="Detail">What it is, in words.</param>
public sealed record BundleFlag(string File, string Kind, string Detail)
{
    /// <summary>A report names another host than the one enrolled (same machine id): stored, judged under the enrolled name, flagged.</summary>
    public const string NameMismatch = "name-mismatch";
}
