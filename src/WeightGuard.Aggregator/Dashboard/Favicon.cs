namespace WeightGuard.Aggregator.Dashboard;

/// <summary>The dashboard's icon: a shield, as SVG (served at <see cref="DashboardPaths.Favicon"/>, where browsers ask for it).</summary>
public static class Favicon
{
    /// <summary>The icon.</summary>
    public const string Svg = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path d="M16 2 4 6v9c0 7.5 5.1 13.3 12 15 6.9-1.7 12-7.5 12-15V6z" fill="#0b4f8a"/><path d="m9 11 2.5 10 2.5-7 2 7 2.5-10" fill="none" stroke="#fff" stroke-width="2" stroke-linejoin="round"/></svg>
        """;
}
