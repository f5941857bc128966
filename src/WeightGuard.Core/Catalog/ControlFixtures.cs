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

    /// <summary>The file listing controls whose trees are not written yet (<c>ID reason</c> per line, <c>#</c> comments).</summary>
    public const string PendingFile = "PENDING";

    /// <summary>Controls listed in <see cref="PendingFile"/>, with the reason given; empty when there is no such file.</summary>
    public static IReadOnlyDictionary<string, string> Pending(string fixturesDirectory)
    {
        var file = Path.Combine(fixturesDirectory, PendingFile);
        if (!File.Exists(file)) return new Dictionary<string, string>();
        return File.ReadLines(file).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
    }

    /// <summary>
    /// One error per automated control lacking a pass or fail tree under <paramref name="fixturesDirectory"/> that is
    /// not listed as pending, and per pending control that has both trees (its line must go).
    /// </summary>
    public static IReadOnlyList<CatalogError> Missing(Catalog catalog, string fixturesDirectory)
    {
        var pending = Pending(fixturesDirectory);
        bool Has(ControlDefinition c, string outcome) => Directory.Exists(Path.Combine(fixturesDirectory, c.Id, outcome));
        return catalog.Controls.Values.Where(NeedsFixtures).SelectMany(c => pending.ContainsKey(c.Id)
                ? Outcomes.All(o => Has(c, o)) ? [new CatalogError(c.Source, $"{c.Id} has its fixtures: remove it from {Path.Combine(fixturesDirectory, PendingFile)}")] : []
                : Outcomes.Where(o => !Has(c, o))
                    .Select(o => new CatalogError(c.Source, $"{c.Id} has no '{o}' fixture: add a host tree at {Path.Combine(fixturesDirectory, c.Id, o)}")))
            .ToList();
    }
}
