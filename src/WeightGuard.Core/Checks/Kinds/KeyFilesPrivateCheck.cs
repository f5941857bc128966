using WeightGuard.Core.Catalog;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>Every key file found is readable by its owner alone, and owned by an accepted account.</summary>
public sealed class KeyFilesPrivateCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "key-files-private";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } =
    [
        new("allowed-owners", ParamType.StringList, ParamValue.Of(["root"]), "Accounts that may own key files."),
    ];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Keys, "keys", out var keys) is { } missing) return missing;
        if (keys.Files.Count == 0) return CheckOutcome.NotApplicable("no key files found near the weights or in crypttab");
        var owners = context.List("allowed-owners");
        var bad = new List<(string Text, string Pointer)>();
        for (var i = 0; i < keys.Files.Count; i++)
        {
            var k = keys.Files[i];
            if ((Convert.ToInt32(k.Mode, 8) & 0x3F) != 0) bad.Add(($"{k.Path} has mode {k.Mode} (group or others have access)", EvidencePointer.To("keys", "files", i)));
            else if (!owners.Contains(k.Owner)) bad.Add(($"{k.Path} is owned by {k.Owner}", EvidencePointer.To("keys", "files", i)));
        }
        return bad.Count == 0
            ? CheckOutcome.Pass($"all {keys.Files.Count} key file(s) are private to {string.Join(", ", owners)}", EvidencePointer.To("keys", "files"))
            : CheckOutcome.Fail(WeightsNoWorldAccessCheck.Summarise(bad.Select(b => b.Text).ToList()), bad.Select(b => b.Pointer));
    }
}
