using System.Text;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Evidence;

/// <summary>Loads the catalogue a bundle carries from its entries (never from disk), reporting errors as bundle problems.</summary>
internal static class BundledCatalog
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    /// <summary>
    /// The catalogue, or null (with problems added) when it is absent or does not load; null without a problem when a
    /// file is damaged (its bytes null: the file check names it).
    /// </summary>
    /// <param name="entries">The bundle's catalogue files by path.</param>
    /// <param name="problems">Where problems go.</param>
    public static Catalog? Load(IReadOnlyDictionary<string, byte[]?> entries, List<BundleProblem> problems)
    {
        if (entries.Values.Any(bytes => bytes is null)) return null;
        var before = problems.Count;
        List<CatalogSource> Sources(BundleFileKind kind) => entries
            .Where(e => BundleLayout.Classify(e.Key).Kind == kind).OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => Text(e.Key, e.Value!, problems)).OfType<CatalogSource>().ToList();
        var controls = Sources(BundleFileKind.CatalogControl);
        var profiles = Sources(BundleFileKind.CatalogProfile);
        var waivers = Sources(BundleFileKind.CatalogWaivers);
        var attestations = Sources(BundleFileKind.CatalogAttestations);
        if (problems.Count > before) return null;
        if (controls.Count == 0 || profiles.Count == 0)
        {
            problems.Add(new BundleProblem(BundleLayout.CatalogFolder, "the bundle carries no controls or no profiles, so no verdict can be re-derived"));
            return null;
        }
        var result = CatalogLoader.Load(controls, profiles, waivers);
        foreach (var error in result.Errors) problems.Add(new BundleProblem($"{error.Location.File}:{error.Location.Line}", error.Message));
        if (result.Catalog is not { } catalog || attestations.Count == 0) return result.Catalog;
        var (attested, errors) = CatalogLoader.LoadAttestations(attestations[0], catalog);
        foreach (var error in errors) problems.Add(new BundleProblem($"{error.Location.File}:{error.Location.Line}", error.Message));
        return errors.Count > 0 ? null : catalog.WithAttestations(attested);
    }

    private static CatalogSource? Text(string path, byte[] bytes, List<BundleProblem> problems)
    {
        try { return new CatalogSource(path, StrictUtf8.GetString(bytes)); }
        catch (DecoderFallbackException) { problems.Add(new BundleProblem(path, "not UTF-8 text")); return null; }
    }
}
