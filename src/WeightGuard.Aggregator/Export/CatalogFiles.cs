using System.Reflection;
using WeightGuard.Core.Catalog;
using WeightGuard.Evidence;

namespace WeightGuard.Aggregator.Export;

/// <summary>
/// The catalogue's files, byte for byte, as evidence bundles carry them (<c>controls/ID.yaml</c>, <c>profiles/ID.yaml</c>,
/// <c>waivers.yaml</c>): the same files the aggregator judges with, so an auditor re-derives the same verdicts.
/// </summary>
/// <remarks>
/// Controls and profiles go byte for byte; <see cref="WithDecisions"/> rewrites <c>waivers.yaml</c> and <c>attestations.yaml</c>
/// to hold the waivers and attestations judged with.
/// </remarks>
public sealed class CatalogFiles(IReadOnlyList<CatalogFile> files)
{
    /// <summary>The files.</summary>
    public IReadOnlyList<CatalogFile> Files { get; } = files;

    /// <summary>The catalogue embedded in <paramref name="assembly"/> (resources named <c>controls/…</c> and <c>profiles/…</c>).</summary>
    public static CatalogFiles Embedded(Assembly assembly) => new(assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith("controls/", StringComparison.Ordinal) || n.StartsWith("profiles/", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)
        .Select(n =>
        {
            using var stream = assembly.GetManifestResourceStream(n)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return new CatalogFile(n, buffer.ToArray());
        }).ToList());

    /// <summary>A catalogue directory as <c>serve --catalog</c> loads it: <c>controls/</c>, <c>profiles/</c> and at most one file in <c>waivers/</c>.</summary>
    /// <exception cref="InvalidOperationException"><c>waivers/</c> holds more than one file (a bundle carries one <c>waivers.yaml</c>).</exception>
    public static CatalogFiles Directory(string root)
    {
        IEnumerable<(string Name, string Path)> Yaml(string folder) => System.IO.Directory.Exists(Path.Combine(root, folder))
            ? System.IO.Directory.GetFiles(Path.Combine(root, folder), "*.yaml").Order(StringComparer.Ordinal).Select(f => ($"{folder}/{Path.GetFileName(f)}", f))
            : [];
        var waivers = Yaml("waivers").ToList();
        if (waivers.Count > 1)
            throw new InvalidOperationException($"{Path.Combine(root, "waivers")}: an evidence bundle carries one waivers.yaml; merge the {waivers.Count} files into one");
        return new(Yaml("controls").Concat(Yaml("profiles")).Select(f => new CatalogFile(f.Name, File.ReadAllBytes(f.Path)))
            .Concat(waivers.Select(w => new CatalogFile("waivers.yaml", File.ReadAllBytes(w.Path)))).ToList());
    }

    /// <summary>These files with <c>waivers.yaml</c> and <c>attestations.yaml</c> holding exactly those of <paramref name="catalog"/> (each absent when there are none).</summary>
    public CatalogFiles WithDecisions(Catalog catalog)
    {
        var files = Files.Where(f => f.Path is not ("waivers.yaml" or "attestations.yaml")).ToList();
        if (catalog.Waivers.Count > 0) files.Add(new CatalogFile("waivers.yaml", DecisionsYaml.Waivers(catalog.Waivers)));
        if (catalog.Attestations.Count > 0) files.Add(new CatalogFile("attestations.yaml", DecisionsYaml.Attestations(catalog.Attestations)));
        return new(files);
    }
}
