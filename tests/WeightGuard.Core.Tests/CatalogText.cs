using WeightGuard.Core.Catalog;

namespace WeightGuard.Core.Tests;

/// <summary>Small catalogue sources written inline, so each test shows the YAML it judges.</summary>
internal static class CatalogText
{
    public static CatalogSource Control(string id, string kind = "weights-no-world-access", string rand = "SL1", string extra = "", string paramsBlock = "") => new($"controls/{id}.yaml", $$"""
        id: {{id}}
        title: Test control {{id}}
        domain: access-control
        severity: high
        description: A test control.
        rationale: Tests need one.
        check:
          kind: {{kind}}
        {{paramsBlock}}
          text: Look at it by hand.
        remediation:
          linux: Fix it.
          windows: Fix it on Windows.
        platforms: [linux, windows]
        references:
          - {framework: rand, source: "RAND RR-A2849-1 (2024)", place: "table 6.1", measure: sl1.access-control, level: {{rand}}, mapping: direct}
          - {framework: nist-800-53, source: "NIST SP 800-53r5", place: AC-3, measure: AC-3, mapping: partial}
        severity-justification: Tests need one.
        revision: 1
        guidance: Let the agent read it.
        {{extra}}
        """);

    public static CatalogSource Profile(string id, string controls, string? extends = null, string extra = "") => new($"profiles/{id}.yaml", $"""
        id: {id}
        title: Profile {id}
        description: A test profile.
        {(extends is null ? "" : "extends: " + extends)}
        controls: [{controls}]
        {extra}
        """);

    public static CatalogLoadResult Load(IEnumerable<CatalogSource> controls, IEnumerable<CatalogSource> profiles, IEnumerable<CatalogSource>? waivers = null) =>
        CatalogLoader.Load(controls, profiles, waivers);
}
