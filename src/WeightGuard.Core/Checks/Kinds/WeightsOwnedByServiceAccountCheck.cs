using WeightGuard.Core.Catalog;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>Weight files belong to a dedicated service account that nobody can log in as (and, by default, not root).</summary>
public sealed class WeightsOwnedByServiceAccountCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "weights-owned-by-service-account";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } =
    [
        new("allow-root", ParamType.Boolean, ParamValue.Of("false"), "Accept root as the owner."),
        new("owners", ParamType.StringList, ParamValue.Of([]), "If set, the only accepted owner accounts."),
    ];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Access, "access", out var access) is { } missing) return missing;
        if (access.Files.Count == 0) return CheckOutcome.NotApplicable("no weight files on this host");
        var owners = context.List("owners");
        var bad = new List<(string Text, string Pointer)>();
        for (var i = 0; i < access.Files.Count; i++)
        {
            var f = access.Files[i];
            string? why = f.Uid == 0 && !context.Boolean("allow-root") ? "root"
                : owners.Count > 0 && !owners.Contains(f.Owner) ? $"{f.Owner}, not one of {string.Join(", ", owners)}"
                : f.OwnerHasLoginShell && f.Uid != 0 ? $"{f.Owner}, an account with a login shell"
                : null;
            if (why is not null) bad.Add(($"{f.Path} is owned by {why}", EvidencePointer.To("access", "files", i)));
        }
        return bad.Count == 0
            ? CheckOutcome.Pass($"all {access.Files.Count} weight file(s) are owned by non-login service accounts: {string.Join(", ", access.Files.Select(f => f.Owner).Distinct())}", EvidencePointer.To("access", "files"))
            : CheckOutcome.Fail(WeightsNoWorldAccessCheck.Summarise(bad.Select(b => b.Text).ToList()), bad.Select(b => b.Pointer));
    }
}
