using WeightGuard.Core.Catalog;

namespace WeightGuard.Core.Tests;

/// <summary>Small catalogue sources written inline, so each test shows the YAML it judges.</summary>
internal static class CatalogText
{
    public static CatalogSource Control(string id, string kind = "weights-no-world-access", string rand = "SL1", string extra = "", string paramsBlock = "") => new($"controls/{id}.yaml", $"""
        id: {id}
        title: Test control {id}
        domain: access-control
        severity: high
        description: A test control.
        rationale: Tests need one.
        check:
          kind: {kind}
        {paramsBlock}
        remediation:
          linux: Fix it.
          windows: Fix it on Windows.
        platforms: [linux, windows]
        references:
          rand: [{rand}]
          nist-800-53: [AC-3]
        {extra}
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
