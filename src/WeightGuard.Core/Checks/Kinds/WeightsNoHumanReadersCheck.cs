using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evidence;

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
        if (access.Files.Count == 0) return CheckOutcome.NotApplicable("No weight files on this host.");
        var hits = access.Files.Select((f, i) => (f, i)).Where(x => x.f.Readers.Any(r => r.Human)).ToList();
        if (hits.Count == 0) return CheckOutcome.Pass($"No account with a login shell can read any of the {access.Files.Count} weight file(s).", EvidencePointer.To("access", "files"));
        // one entry per person, however many files and routes grant them access: each route is a reason, not another person
        var humans = hits.SelectMany(x => x.f.Readers.Where(r => r.Human)).GroupBy(r => r.Account, StringComparer.Ordinal)
            .Select(g => $"{g.Key} (through {string.Join(" and ", g.Select(r => Route(r.Via)).Distinct(StringComparer.Ordinal))})").ToList();
        return CheckOutcome.Fail($"People can read the weights directly, outside any permitted interface: {string.Join(", ", humans.Take(10))}" +
            $"{(humans.Count > 10 ? $" and {humans.Count - 10} more" : "")}; e.g. {hits[0].f.Path}.",
            hits.Select(x => EvidencePointer.To("access", "files", x.i, "readers")));
    }

    /// <summary>What grants a reader access, in words (the collector's <see cref="Reader.Via"/> codes).</summary>
    internal static string Route(string via) => via switch
    {
        "owner" => "owning the file",
        "other" => "the permissions for everyone",
        "acl-user" => "an ACL entry naming them",
        _ when via.StartsWith("group:", StringComparison.Ordinal) => $"the group {via["group:".Length..]}",
        _ when via.StartsWith("acl-group:", StringComparison.Ordinal) => $"an ACL entry for the group {via["acl-group:".Length..]}",
        _ => via,
    };
}
