namespace WeightGuard.Core.Catalog;

/// <summary>
/// The per-control host trees that prove a control's logic: <c>FIXTURES/&lt;ID&gt;/pass/</c> must pass and
/// <c>FIXTURES/&lt;ID&gt;/fail/</c> must fail. Manual controls judge no host and need none.
/// </summary>
public static class ControlFixtures
{
    /// <summary>The fixture directory of a repository checkout, relative to its root.</summary>
    public static readonly string RepositoryPath = Path.Combine("tests", "fixtures", "controls");

    /// <summary>The outcomes every automated control's fixtures must include.</summary>
    public static readonly string[] Outcomes = ["pass", "fail"];

    /// <summary>
    /// Whether a control needs host trees: it judges host evidence (not manual) and applies to Linux. Windows-only controls
    /// are judged from CIM and the registry of the running host, which a directory tree cannot hold.
    /// </summary>
    public static bool NeedsFixtures(ControlDefinition control) => control.Check.Kind != "manual" && control.Platforms.Contains("linux");

    /// <summary>One error per automated control lacking a pass or fail tree under <paramref name="fixturesDirectory"/>.</summary>
    public static IReadOnlyList<CatalogError> Missing(Catalog catalog, string fixturesDirectory) => catalog.Controls.Values.Where(NeedsFixtures)
        .SelectMany(c => Outcomes.Where(o => !Directory.Exists(Path.Combine(fixturesDirectory, c.Id, o)))
            .Select(o => new CatalogError(c.Source, $"{c.Id} has no '{o}' fixture: add a host tree at {Path.Combine(fixturesDirectory, c.Id, o)}")))
        .ToList();
}
