using WeightGuard.Core.Catalog;
using WeightGuard.Testing;
using static WeightGuard.Core.Tests.CatalogText;

namespace WeightGuard.Core.Tests;

public class CatalogLoaderTests
{
    [Test]
    public void ShippedCatalogueIsValidAndHasTheSevenProfiles()
    {
        var result = CatalogLoader.LoadDirectory(RepoPaths.Root);
        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        Assert.That(result.Catalog!.Profiles.Keys, Is.SupersetOf(new[] { "rand-sl1", "rand-sl2", "rand-sl3", "rand-sl4", "rand-sl5", "ncsc-secure-ai", "dsit-ai-cop" }));
    }

    [Test]
    public void EachRandProfileExtendsTheOneBelowAndCarriesEveryControlOfItsLevel()
    {
        var catalog = CatalogLoader.LoadDirectory(RepoPaths.Root).Catalog!;
        for (var level = 1; level <= 5; level++)
        {
            var profile = catalog.Resolve($"rand-sl{level}");
            Assert.That(profile.Definition.Extends, Is.EqualTo(level == 1 ? null : $"rand-sl{level - 1}"));
            var expected = catalog.Controls.Values.Where(c => c.RandLevel <= level).Select(c => c.Id);
            Assert.That(profile.Controls.Select(c => c.Id), Is.EquivalentTo(expected), $"rand-sl{level}");
        }
    }

    [Test]
    public void FrameworkProfilesHoldExactlyTheControlsThatReferenceThem()
    {
        var catalog = CatalogLoader.LoadDirectory(RepoPaths.Root).Catalog!;
        foreach (var (profile, framework) in new[] { ("ncsc-secure-ai", "ncsc"), ("dsit-ai-cop", "dsit") })
            Assert.That(catalog.Resolve(profile).Controls.Select(c => c.Id),
                Is.EquivalentTo(catalog.Controls.Values.Where(c => c.References.ContainsKey(framework)).Select(c => c.Id)), profile);
    }

    [Test]
    public void ValidCatalogueLoadsWithParametersMergedDownTheChain()
    {
        var result = Load(
            [Control("WG-ACL-002", "weight-readers-allowed", paramsBlock: "  params:\n    max-readers: 4"), Control("WG-ACL-001")],
            [Profile("base", "WG-ACL-002"), Profile("top", "WG-ACL-001", "base", "params:\n  WG-ACL-002: { max-readers: 1 }")]);
        Assert.That(result.Errors, Is.Empty, string.Join("\n", result.Errors));
        var top = result.Catalog!.Resolve("top");
        Assert.Multiple(() =>
        {
            Assert.That(top.Controls.Select(c => c.Id), Is.EqualTo(new[] { "WG-ACL-002", "WG-ACL-001" }));
            Assert.That(top.Params["WG-ACL-002"]["max-readers"].AsInteger(), Is.EqualTo(1));
            Assert.That(result.Catalog.Resolve("base").Params["WG-ACL-002"]["max-readers"].AsInteger(), Is.EqualTo(4));
            Assert.That(top.Params["WG-ACL-002"]["allowed-readers"].AsList(), Is.Empty, "declared default fills the gap");
            Assert.That(top.Digest, Does.StartWith("sha256:").And.Not.EqualTo(result.Catalog.Resolve("base").Digest));
        });
    }

    private static void AssertSingleError(CatalogLoadResult result, string location, string fragment)
    {
        Assert.That(result.Catalog, Is.Null);
        Assert.That(result.Errors.Select(e => e.ToString()), Has.Some.StartsWith(location + ": ").And.Some.Contains(fragment),
            string.Join("\n", result.Errors));
    }

    /// <summary>Inputs the catalogue fuzzer (fuzz/, target catalog-yaml) found YamlDotNet refusing with ArgumentException.</summary>
    [TestCase("!![", "Global tags must be valid URIs")]
    [TestCase(" :\0\0\u007f \u00e6", "The current event is of an unsupported type")]
    public void YamlTheParserRefusesWithAnArgumentExceptionIsAnError(string text, string reason) =>
        AssertSingleError(CatalogLoader.Load([new CatalogSource("controls/WG-FUZ-001.yaml", text)], []), "controls/WG-FUZ-001.yaml:1", reason);

    [Test]
    public void FiftyThousandLevelsOfNestingAreRefusedBeforeTheRepresentationModelRecurses() =>
        AssertSingleError(CatalogLoader.Load([], [new CatalogSource("profiles/deep.yaml", "id: " + new string('[', 50_000) + new string(']', 50_000))]),
            "profiles/deep.yaml:1", "nested deeper than 64 levels");

    [Test]
    public void UnknownKeyIsRejectedWithItsLine() =>
        AssertSingleError(Load([Control("WG-ACL-001", extra: "colour: blue")], []), "controls/WG-ACL-001.yaml:17", "unknown key 'colour'");

    [Test]
    public void DuplicateIdsAreRejected()
    {
        var second = Control("WG-ACL-001") with { Name = "other/WG-ACL-001.yaml" };
        AssertSingleError(Load([Control("WG-ACL-001"), second], []), "other/WG-ACL-001.yaml:1", "duplicate control id 'WG-ACL-001'");
    }

    [Test]
    public void UnknownCheckKindIsRejected() =>
        AssertSingleError(Load([Control("WG-ACL-001", kind: "read-minds")], []), "controls/WG-ACL-001.yaml:8", "unknown check kind 'read-minds'");

    [Test]
    public void UnknownParameterIsRejected() =>
        AssertSingleError(Load([Control("WG-ACL-001", paramsBlock: "  params:\n    speed: 3")], []), "controls/WG-ACL-001.yaml:10", "unknown parameter 'speed'");

    [Test]
    public void ParameterOfTheWrongTypeIsRejected() =>
        AssertSingleError(Load([Control("WG-ACL-002", "weight-readers-allowed", paramsBlock: "  params:\n    max-readers: many")], []),
            "controls/WG-ACL-002.yaml:10", "must be an integer");

    [Test]
    public void EvidenceFactWithAnUnknownOperatorIsRejected() =>
        AssertSingleError(Load([Control("WG-PLAT-001", "evidence-fact", paramsBlock: "  params:\n    fact: /platform/lockdown\n    operator: smells-like\n    values: [x]")], []),
            "controls/WG-PLAT-001.yaml:8", "unknown operator 'smells-like'");

    [Test]
    public void FileNameMustMatchTheId() =>
        AssertSingleError(Load([Control("WG-ACL-001") with { Name = "controls/acl.yaml" }], []), "controls/acl.yaml:1", "must be in a file named WG-ACL-001.yaml");

    [Test]
    public void BadRandAndDsitReferencesAreRejected()
    {
        AssertSingleError(Load([Control("WG-ACL-001", rand: "SL9")], []), "controls/WG-ACL-001.yaml:15", "rand reference 'SL9'");
        var dsit = Control("WG-ACL-001") with { Text = Control("WG-ACL-001").Text.Replace("nist-800-53: [AC-3]", "dsit: [P99]") };
        AssertSingleError(Load([dsit], []), "controls/WG-ACL-001.yaml:16", "dsit reference 'P99'");
    }

    [Test]
    public void ProfileNamingAMissingControlIsRejectedAtThatLine() =>
        AssertSingleError(Load([Control("WG-ACL-001")], [new CatalogSource("profiles/p.yaml", "id: p\ntitle: P\ndescription: d\ncontrols:\n  - WG-ACL-001\n  - WG-NOPE-001\n")]),
            "profiles/p.yaml:6", "unknown control 'WG-NOPE-001'");

    [Test]
    public void ProfileExtendingAMissingProfileIsRejected() =>
        AssertSingleError(Load([Control("WG-ACL-001")], [Profile("p", "WG-ACL-001", "ghost")]), "profiles/p.yaml:4", "extends unknown profile 'ghost'");

    [Test]
    public void ExtensionCyclesAreRejected() =>
        AssertSingleError(Load([Control("WG-ACL-001")], [Profile("a", "WG-ACL-001", "b"), Profile("b", "WG-ACL-001", "a")]),
            "profiles/a.yaml:4", "extension cycle: a -> b -> a");

    [Test]
    public void ProfileParamsForAControlItDoesNotIncludeAreRejected() =>
        AssertSingleError(Load([Control("WG-ACL-001"), Control("WG-ACL-002", "weight-readers-allowed")],
                [Profile("p", "WG-ACL-001", extra: "params:\n  WG-ACL-002: { max-readers: 1 }")]),
            "profiles/p.yaml:7", "which profile 'p' does not include");

    [Test]
    public void MalformedYamlIsAnErrorNotACrash() =>
        AssertSingleError(Load([new CatalogSource("controls/WG-ACL-001.yaml", "id: [unclosed\ntitle: x\n")], []), "controls/WG-ACL-001.yaml:1", "invalid YAML");

    [Test]
    public void WaiversNamingUnknownControlsOrBadDatesAreRejected()
    {
        var waivers = new CatalogSource("waivers/w.yaml", """
            waivers:
              - control: WG-GONE-001
                hosts: "*"
                justification: none
                approver: ciso
                expires: 2030-01-01
              - control: WG-ACL-001
                hosts: "gpu-*"
                justification: migration
                approver: ciso
                expires: next tuesday
            """);
        var result = Load([Control("WG-ACL-001")], [], [waivers]);
        Assert.That(result.Errors.Select(e => e.ToString()), Is.EqualTo(new[]
        {
            "waivers/w.yaml:2: waiver names unknown control 'WG-GONE-001'",
            "waivers/w.yaml:11: expires 'next tuesday' must be a date as YYYY-MM-DD",
        }));
    }

    [Test]
    public void EveryShippedControlIsInAtLeastOneProfile()
    {
        var catalog = CatalogLoader.LoadDirectory(RepoPaths.Root).Catalog!;
        var used = catalog.Profiles.Keys.SelectMany(p => catalog.Resolve(p).Controls).Select(c => c.Id).ToHashSet();
        Assert.That(catalog.Controls.Keys.Where(id => !used.Contains(id)), Is.Empty);
    }
}
