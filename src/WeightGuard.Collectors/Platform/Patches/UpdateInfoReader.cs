using System.IO.Compression;
using System.Xml;
using WeightGuard.Core.Inputs;

namespace WeightGuard.Collectors.Platform.Patches;

/// <summary>A package version that a security advisory ships.</summary>
/// <param name="Advisory">The advisory id, e.g. <c>RLSA-2024:1234</c>.</param>
/// <param name="Name">Package name.</param>
/// <param name="Arch">Package architecture.</param>
/// <param name="Evr">The fixed version.</param>
public sealed record AdvisoryPackage(string Advisory, string Name, string Arch, RpmEvr Evr);

/// <summary>
/// Streams a repository's <c>updateinfo.xml</c> (plain or gzip, as dnf caches it) and yields the packages of every
/// advisory of type <c>security</c>. zstd, xz, bzip2 and zchunk copies are not read (.NET has no decoder for them).
/// </summary>
public static class UpdateInfoReader
{
    /// <summary>Most decompressed bytes read from one file.</summary>
    public const long MaxBytes = 256L << 20;

    /// <summary>Opens a cached copy by its suffix.</summary>
    /// <exception cref="InvalidDataException">A compression WeightGuard does not read.</exception>
    public static Stream Open(string localPath, string name)
    {
        var suffix = Path.GetExtension(localPath);
        if (suffix is not (".gz" or ".xml")) throw new InvalidDataException($"{name}: {suffix} compression is not read (only plain and gzip)");
        Stream file = BoundedFile.OpenStream(localPath, name: name);
        return new BoundedStream(suffix == ".gz" ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: false) : file, MaxBytes, name);
    }

    /// <summary>The packages of the security advisories in <paramref name="stream"/>.</summary>
    /// <exception cref="InvalidDataException">Malformed XML, a DTD, a corrupt gzip stream or too much data (names the file and line).</exception>
    public static IEnumerable<AdvisoryPackage> ReadSecurity(Stream stream, string name)
    {
        using var reader = CreateReader(stream, name);
        var security = false;
        string? advisory = null;
        while (true)
        {
            AdvisoryPackage? found = null;
            try
            {
                if (!reader.Read()) yield break;
                if (reader.NodeType == XmlNodeType.Element)
                {
                    switch (reader.LocalName)
                    {
                        case "update":
                            security = reader.GetAttribute("type") == "security";
                            advisory = null;
                            break;
                        case "id" when security && advisory is null:
                            advisory = reader.ReadElementContentAsString().Trim();
                            break;
                        case "package" when security:
                            var evr = new RpmEvr(long.TryParse(reader.GetAttribute("epoch"), out var epoch) ? epoch : 0,
                                reader.GetAttribute("version") ?? "", reader.GetAttribute("release") ?? "");
                            found = new AdvisoryPackage(advisory ?? "", reader.GetAttribute("name") ?? "", reader.GetAttribute("arch") ?? "", evr);
                            break;
                    }
                }
            }
            catch (Exception e) when (e is XmlException or InvalidDataException or IOException)
            {
                var line = reader is IXmlLineInfo info && info.HasLineInfo() ? $":{info.LineNumber}" : "";
                throw new InvalidDataException($"{name}{line}: {e.Message}", e);
            }
            if (found is { Name.Length: > 0 }) yield return found;
        }
    }

    /// <summary>A reader that refuses DTDs; creating it reads the first bytes, so a corrupt compressed stream fails here.</summary>
    private static XmlReader CreateReader(Stream stream, string name)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true, IgnoreWhitespace = true };
        try
        {
            return XmlReader.Create(stream, settings);
        }
        catch (Exception e) when (e is XmlException or InvalidDataException or IOException)
        {
            throw new InvalidDataException($"{name}: {e.Message}", e);
        }
    }
}
