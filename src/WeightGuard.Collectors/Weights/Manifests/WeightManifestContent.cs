using System.Text.Json;

namespace WeightGuard.Collectors.Weights.Manifests;

/// <summary>
/// Parses and validates a manifest's JSON. Even signed content is checked (a signer's tool may be buggy): the schema,
/// absolute directory paths, relative file paths that cannot climb out of their directory, digests of 64 lower-case
/// hex digits, sizes that are not negative, and no file listed twice.
/// </summary>
public static class WeightManifestContent
{
    /// <summary>The manifest in <paramref name="json"/>.</summary>
    /// <exception cref="InvalidDataException">The content is not a valid manifest; the message says what is wrong.</exception>
    public static WeightManifest Parse(ReadOnlyMemory<byte> json)
    {
        WeightManifest? manifest;
        try { manifest = JsonSerializer.Deserialize(json.Span, WeightManifestJsonContext.Default.WeightManifest); }
        catch (JsonException e) { throw new InvalidDataException($"the manifest's content is not valid manifest JSON: {e.Message}", e); }
        if (manifest is null) throw new InvalidDataException("the manifest's content is JSON null");
        if (manifest.Schema != WeightManifest.SchemaV1)
            throw new InvalidDataException($"the manifest's schema is '{Printable(manifest.Schema)}', not {WeightManifest.SchemaV1}");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var directory in manifest.Directories)
        {
            if (!directory.Path.StartsWith('/') || !SafePath(directory.Path.TrimStart('/'), allowEmpty: true))
                throw new InvalidDataException($"directory '{Printable(directory.Path)}' is not an absolute path without . or .. segments");
            foreach (var file in directory.Files)
            {
                if (!SafePath(file.Path, allowEmpty: false))
                    throw new InvalidDataException($"file '{Printable(file.Path)}' under {Printable(directory.Path)} is not a relative path without . or .. segments");
                if (file.Size < 0) throw new InvalidDataException($"file {Printable(file.Path)} has a negative size");
                if (file.Sha256.Length != 64 || !file.Sha256.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
                    throw new InvalidDataException($"file {Printable(file.Path)} has no SHA-256 of 64 lower-case hex digits");
            }
        }
        foreach (var (path, _) in manifest.Entries())
            if (!seen.Add(path)) throw new InvalidDataException($"{Printable(path)} is listed twice");
        return manifest;
    }

    private static bool SafePath(string path, bool allowEmpty)
    {
        if (path.Length == 0) return allowEmpty;
        if (path.Any(char.IsControl)) return false;
        return path.Split('/').All(segment => segment.Length > 0 && segment != "." && segment != "..");
    }

    /// <summary>Text from the manifest made safe for one line of a terminal, and short.</summary>
    private static string Printable(string text)
    {
        var clean = new string(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return clean.Length > 120 ? clean[..120] + "…" : clean;
    }
}
