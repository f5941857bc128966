using WeightGuard.Core.Catalog;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>No weight file is readable or writable by others, and no directory on the way lets others replace it.</summary>
public sealed class WeightsNoWorldAccessCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "weights-no-world-access";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } =
    [
        new("forbid-world-traverse", ParamType.Boolean, ParamValue.Of("true"),
            "Also fail when a weight path, or a directory inside one, can be listed or traversed by others."),
    ];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Access, "access", out var access) is { } missing) return missing;
        if (context.Domain(e => e.Weights, "weights", out var weights) is { } noWeights) return noWeights;
        if (access.Files.Count == 0) return CheckOutcome.NotApplicable("no weight files on this host");
        var problems = new List<(string Text, string Pointer)>();
        for (var i = 0; i < access.Files.Count; i++)
        {
            var f = access.Files[i];
            if (f.WorldReadable || f.WorldWritable)
                problems.Add(($"{f.Path} is world-{(f.WorldReadable ? "readable" : "writable")} (mode {f.Mode})", EvidencePointer.To("access", "files", i)));
        }
        var roots = weights.Roots.Where(r => r.Status == "scanned").Select(r => r.Path.TrimEnd('/')).ToList();
        for (var i = 0; i < access.Directories.Count; i++)
        {
            var d = access.Directories[i];
            var inside = roots.Any(r => d.Path == r || d.Path.StartsWith(r + "/", StringComparison.Ordinal));
            if (d.WorldWritable)
                problems.Add(($"directory {d.Path} is world-writable (mode {d.Mode}): anyone can replace the weights", EvidencePointer.To("access", "directories", i)));
            else if (inside && context.Boolean("forbid-world-traverse") && (d.WorldTraversable || d.WorldReadable))
                problems.Add(($"weight directory {d.Path} is open to others (mode {d.Mode})", EvidencePointer.To("access", "directories", i)));
        }
        return problems.Count == 0
            ? CheckOutcome.Pass($"none of {access.Files.Count} weight file(s) is open to others", EvidencePointer.To("access", "files"))
            : CheckOutcome.Fail(Summarise(problems.Select(p => p.Text).ToList()), problems.Select(p => p.Pointer));
    }

    internal static string Summarise(IReadOnlyList<string> problems) =>
        problems.Count == 1 ? problems[0] : $"{problems[0]}; and {problems.Count - 1} more";
}
