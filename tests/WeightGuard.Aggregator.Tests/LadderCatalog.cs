using WeightGuard.Core.Catalog;
using WeightGuard.Testing;

namespace WeightGuard.Aggregator.Tests;

/// <summary>
/// A small RAND ladder made of the repository's own control files, so that one piece of evidence can meet every level's
/// host controls: SL1 holds the manual WG-IR-001, SL2 the manual WG-KMS-001 and WG-MFA-002, SL3 WG-ACL-004 (people
/// must not read the weights, an automated check) and the manual WG-MPA-001; SL4 and SL5 add nothing.
/// </summary>
internal static class LadderCatalog
{
    /// <summary>The SL1 and SL2 manual controls.</summary>
    public static IReadOnlyList<string> ManualUpToSl2 { get; } = ["WG-IR-001", "WG-KMS-001", "WG-MFA-002"];

    public static Catalog Catalog { get; } = Load();

    private static Catalog Load()
    {
        var controls = new[] { "WG-IR-001", "WG-KMS-001", "WG-MFA-002", "WG-ACL-004", "WG-MPA-001" }
            .Select(id => new CatalogSource($"{id}.yaml", File.ReadAllText(Path.Combine(RepoPaths.Root, "controls", $"{id}.yaml"))));
        var result = CatalogLoader.Load(controls,
        [
            Profile("rand-sl1", "WG-IR-001"), Profile("rand-sl2", "WG-KMS-001, WG-MFA-002", "rand-sl1"), Profile("rand-sl3", "WG-ACL-004, WG-MPA-001", "rand-sl2"),
            Profile("rand-sl4", "", "rand-sl3"), Profile("rand-sl5", "", "rand-sl4"),
        ]);
        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        return result.Catalog!;
    }

    private static CatalogSource Profile(string id, string controls, string? extends = null) => new($"{id}.yaml", $"""
        id: {id}
        title: Ladder {id}
        description: A rung of the test ladder.
        {(extends is null ? "" : "extends: " + extends)}
        controls: [{controls}]
        """);
}
