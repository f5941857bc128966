namespace WeightGuard.Evidence;

/// <summary>One thing in a bundle that does not hold.</summary>
/// <param name="File">The bundle path it concerns, or <c>bundle</c> for the archive as a whole.</param>
/// <param name="Defect">What is wrong, in words an auditor can act on.</param>
public sealed record BundleProblem(string File, string Defect)
{
    /// <summary>The archive as a whole.</summary>
    public const string Archive = "bundle";

    /// <inheritdoc />
    public override string ToString() => $"{File}: {Defect}";
}
