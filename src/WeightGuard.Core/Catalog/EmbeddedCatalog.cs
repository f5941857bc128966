using System.Reflection;

namespace WeightGuard.Core.Catalog;

/// <summary>A catalogue shipped inside a binary as resources named <c>controls/*.yaml</c> and <c>profiles/*.yaml</c>.</summary>
public static class EmbeddedCatalog
{
    /// <summary>Loads the catalogue embedded in <paramref name="assembly"/>.</summary>
    public static CatalogLoadResult Load(Assembly assembly) => CatalogLoader.Load(Read(assembly, "controls/"), Read(assembly, "profiles/"));

    /// <summary>The framework measure lists embedded in <paramref name="assembly"/> (resources named <c>frameworks/*.yaml</c>).</summary>
    public static IReadOnlyList<CatalogSource> Frameworks(Assembly assembly) => Read(assembly, "frameworks/");

    private static List<CatalogSource> Read(Assembly assembly, string prefix) => assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return new CatalogSource(n, reader.ReadToEnd());
            }).ToList();
}
