using WeightGuard.Core.Catalog;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>No account with a login shell can read weight files directly (root aside: who may become root is another control).</summary>
public sealed class WeightsNoHumanReadersCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "weights-no-human-readers";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } = [];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Access, "access", out var access) is { } missing) return missing;
        if (access.Files.Count == 0) return CheckOutcome.NotApplicable("no weight files on this host");
        var hits = access.Files.Select((f, i) => (f, i)).Where(x => x.f.Readers.Any(r => r.Human)).ToList();
        if (hits.Count == 0) return CheckOutcome.Pass($"no account with a login shell can read any of {access.Files.Count} weight file(s)", EvidencePointer.To("access", "files"));
        var humans = hits.SelectMany(x => x.f.Readers.Where(r => r.Human)).Select(r => $"{r.Account} (via {r.Via})").Distinct().ToList();
        return CheckOutcome.Fail($"people can read weights directly: {string.Join(", ", humans.Take(10))}; e.g. {hits[0].f.Path}",
            hits.Select(x => EvidencePointer.To("access", "files", x.i, "readers")));
    }
}
