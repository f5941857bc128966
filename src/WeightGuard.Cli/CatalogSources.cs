using System.Reflection;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Cli;

/// <summary>Where the command line gets its catalogue: the copy embedded in the binary, or a directory given with <c>--catalog</c>.</summary>
internal static class CatalogSources
{
    /// <summary>
    /// Loads the catalogue and, when given, a waiver file and a manual-attestation file. Problems are printed as
    /// <c>file:line: message</c>; null then.
    /// </summary>
    public static Catalog? Load(string? directory, string? waiverFile, TextWriter stderr, string? attestationFile = null)
    {
        var result = directory is null ? LoadEmbedded() : CatalogLoader.LoadDirectory(directory);
        if (result.Catalog is not { } catalog)
        {
            foreach (var e in result.Errors) stderr.WriteLine(e);
            return null;
        }
        if (waiverFile is not null)
        {
            var (waivers, errors) = CatalogLoader.LoadWaiverFile(waiverFile, catalog);
            foreach (var e in errors) stderr.WriteLine(e);
            if (errors.Count > 0) return null;
            catalog = catalog.WithWaivers([.. catalog.Waivers, .. waivers]);
        }
        if (attestationFile is not null)
        {
            var (attestations, errors) = CatalogLoader.LoadAttestationFile(attestationFile, catalog);
            foreach (var e in errors) stderr.WriteLine(e);
            if (errors.Count > 0) return null;
            catalog = catalog.WithAttestations([.. catalog.Attestations, .. attestations]);
        }
        return catalog;
    }

    /// <summary>
    /// The framework measure lists (from <c>DIR/frameworks/</c>, or the built-in ones), checked against the catalogue's
    /// references. Problems are printed as <c>file:line: message</c>; null then.
    /// </summary>
    public static FrameworkSet? LoadFrameworks(string? directory, Catalog catalog, TextWriter stderr)
    {
        var sources = directory is null ? EmbeddedCatalog.Frameworks(typeof(CatalogSources).Assembly) : CatalogLoader.ReadAll(Path.Combine(directory, "frameworks"));
        var (set, errors) = FrameworkLoader.Load(sources);
        if (set is not null) errors = FrameworkLoader.CheckReferences(set, catalog);
        foreach (var e in errors) stderr.WriteLine(e);
        return errors.Count > 0 ? null : set;
    }

    /// <summary>The catalogue shipped inside the binary.</summary>
    public static CatalogLoadResult LoadEmbedded() => EmbeddedCatalog.Load(typeof(CatalogSources).Assembly);

    /// <summary>WeightGuard's version, as <c>--version</c> prints it.</summary>
    public static string Version { get; } = typeof(CatalogSources).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
