using System.Text.Json.Serialization;

namespace WeightGuard.Collectors.Weights.Manifests;

/// <summary>
/// The signed content of a weight manifest (<c>weightguard.weight-manifest/v1</c>): for each weight directory, the
/// weight files under it by path relative to it, with size and SHA-256. Digests and sizes only, never weight bytes.
/// </summary>
/// <param name="Schema">Always <see cref="SchemaV1"/>.</param>
/// <param name="CreatedAt">When the manifest was made.</param>
/// <param name="Directories">The weight directories it covers, each with every weight file under it.</param>
public sealed record WeightManifest(string Schema, DateTimeOffset CreatedAt, IReadOnlyList<ManifestDirectory> Directories)
{
    /// <summary>The schema this version writes and reads.</summary>
    public const string SchemaV1 = "weightguard.weight-manifest/v1";

    /// <summary>Every listed file by its host path (directory joined with the relative path).</summary>
    public IEnumerable<(string HostPath, ManifestEntry Entry)> Entries() =>
        Directories.SelectMany(d => d.Files.Select(f => (d.Path.TrimEnd('/') + "/" + f.Path, f)));
}

/// <summary>A weight directory and the weight files under it.</summary>
/// <param name="Path">Absolute host path of the directory.</param>
/// <param name="Files">Every weight file under it, sorted by relative path.</param>
public sealed record ManifestDirectory(string Path, IReadOnlyList<ManifestEntry> Files);

/// <summary>One weight file as it was signed.</summary>
/// <param name="Path">Path relative to its directory, <c>/</c>-separated, without <c>.</c> or <c>..</c> segments.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Sha256">SHA-256 of the content as lower-case hex (what <c>sha256sum</c> prints).</param>
public sealed record ManifestEntry(string Path, long Size, string Sha256);

/// <summary>Source-generated JSON for the manifest (the CLI is NativeAOT).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, MaxDepth = 8,
    RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(WeightManifest))]
public sealed partial class WeightManifestJsonContext : JsonSerializerContext;
