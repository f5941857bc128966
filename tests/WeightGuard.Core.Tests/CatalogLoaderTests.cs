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
        AssertSingleError(Load([Control("WG-ACL-001", extra: "colour: blue")], []), "controls/WG-ACL-001.yaml:21", "unknown key 'colour'");

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
    public void AutomatedControlWithoutErrorGuidanceIsRejected() =>
        AssertSingleError(Load([new CatalogSource("controls/WG-ACL-001.yaml", Control("WG-ACL-001").Text.Replace("guidance: Let the agent read it.\n", ""))], []),
            "controls/WG-ACL-001.yaml:1", "missing required key 'guidance'");

    [Test]
    public void ManualControlNeedsNoErrorGuidance()
    {
        var result = Load([new CatalogSource("controls/WG-ORG-001.yaml", Control("WG-ORG-001", "manual").Text.Replace("guidance: Let the agent read it.\n", ""))], []);
        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Catalog!.Controls["WG-ORG-001"].Guidance, Is.Null);
    }

    [Test]
    public void UnknownParameterIsRejected() =>
        AssertSingleError(Load([Control("WG-ACL-001", paramsBlock: "  params:\n    speed: 3")], []), "controls/WG-ACL-001.yaml:10", "unknown parameter 'speed'");

    [Test]
    public void ParameterOfTheWrongTypeIsRejected() =>
        AssertSingleError(Load([Control("WG-ACL-002", "weight-readers-allowed", paramsBlock: "  params:\n    max-readers: many")], []),
            "controls/WG-ACL-002.yaml:10", "must be an integer");

    [Test]
    public void EvidenceFactWithAnUnknownOperatorIsRejected() =>
        AssertSingleError(Load([Control("WG-PLAT-001", "evidence-fact", paramsBlock: "  params:\n    fact: /platform/lockdown\n    operator: smells-like\n    values: [x]\n    fact-name: the mode\n    pass-message: on\n    fail-message: off")], []),
            "controls/WG-PLAT-001.yaml:8", "unknown operator 'smells-like'");

    [Test]
    public void FileNameMustMatchTheId() =>
        AssertSingleError(Load([Control("WG-ACL-001") with { Name = "controls/acl.yaml" }], []), "controls/acl.yaml:1", "must be in a file named WG-ACL-001.yaml");

    [Test]
    public void BadRandAndDsitReferencesAreRejected()
    {
        AssertSingleError(Load([Control("WG-ACL-001", rand: "SL9")], []), "controls/WG-ACL-001.yaml:16", "rand level 'SL9' must be SL1 to SL5");
        var dsit = Control("WG-ACL-001") with
        {
            Text = Control("WG-ACL-001").Text.Replace("framework: nist-800-53, source: \"NIST SP 800-53r5\", place: AC-3, measure: AC-3", "framework: dsit, source: \"DSIT CoP\", place: P99, measure: P99"),
        };
        AssertSingleError(Load([dsit], []), "controls/WG-ACL-001.yaml:17", "dsit measure 'P99'");
    }

    [TestCase("mapping: partial}", "}", "missing required key 'mapping'")]
    [TestCase("mapping: partial}", "mapping: close}", "mapping 'close' must be direct, partial or derived")]
    [TestCase("mapping: partial}", "mapping: derived}", "a derived reference needs 'why'")]
    [TestCase("place: AC-3, ", "", "missing required key 'place'")]
    [TestCase("source: \"NIST SP 800-53r5\", ", "", "missing required key 'source'")]
    [TestCase("framework: nist-800-53", "framework: cobit", "unknown framework 'cobit'")]
    public void AReferenceWithoutItsVersionPlaceOrMappingStatusIsRejected(string from, string to, string message)
    {
        var c = Control("WG-ACL-001");
        AssertSingleError(Load([c with { Text = c.Text.Replace(from, to) }], []), "controls/WG-ACL-001.yaml:17", message);
    }

    [Test]
    public void TheOldReferenceMapIsRejectedWithTheNewShapeNamed()
    {
        var c = Control("WG-ACL-001");
        var text = c.Text[..c.Text.IndexOf("references:", StringComparison.Ordinal)] + "references:\n  rand: [SL1]\nseverity-justification: x\nrevision: 1\n";
        AssertSingleError(Load([c with { Text = text }], []), "controls/WG-ACL-001.yaml:16", "'references' must be a list of {framework, source, place, measure, mapping}");
    }

    [TestCase("  text: Look at it by hand.\n", "", "missing required key 'text'")]
    [TestCase("severity-justification: Tests need one.\n", "", "missing required key 'severity-justification'")]
    [TestCase("revision: 1", "revision: 0", "revision '0' must be a whole number from 1")]
    [TestCase("revision: 1", "revision: two", "revision 'two' must be a whole number from 1")]
    public void AControlWithoutCheckTextSeverityJustificationOrRevisionIsRejected(string from, string to, string message)
    {
        var c = Control("WG-ACL-001");
        var result = Load([c with { Text = c.Text.Replace(from, to) }], []);
        Assert.That(result.Catalog, Is.Null);
        Assert.That(result.Errors.Select(e => e.Message), Has.Some.Contains(message));
    }

    [Test]
    public void ReferencesReachReportsWithVersionPlaceAndMappingStatus()
    {
        var control = Load([Control("WG-ACL-001", rand: "SL2")], []).Catalog!.Controls["WG-ACL-001"];
        Assert.That(control.References["rand"], Is.EqualTo(new[] { "RAND RR-A2849-1 (2024) table 6.1: SL2 (direct)" }));
        Assert.That(control.References["nist-800-53"], Is.EqualTo(new[] { "NIST SP 800-53r5 AC-3 (partial)" }));
        Assert.That(control.RandLevel, Is.EqualTo(2));
        Assert.That((control.Revision, control.AuditCheck), Is.EqualTo((1, "Look at it by hand.")));
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
