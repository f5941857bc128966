using System.Xml;

namespace WeightGuard.Evidence.Gpu;

/// <summary>One reference measurement: the index it applies to (0-based, as RIMs number them) and the values allowed there.</summary>
/// <param name="Index">The RIM index; the report's measurement block <c>Index + 1</c>.</param>
/// <param name="Name">The RIM's name for it (<c>HashedMeasurement_3_FSP</c>).</param>
/// <param name="Alternatives">The digests accepted at this index (any one matches).</param>
public sealed record GpuReferenceMeasurement(int Index, string Name, IReadOnlyList<byte[]> Alternatives);

/// <summary>
/// The reference values of one NVIDIA reference integrity manifest (RIM): a SWID tag (ISO/IEC 19770-2:2015) in the
/// TCG RIM information model, listing per measurement index whether it is active and the SHA-384 digests it may hold.
/// NVIDIA publishes one per driver version and one per VBIOS version. Only active measurements are kept. The RIM's
/// own XML signature is not checked here: a RIM is a reference an admin imports, so the file's provenance is what makes
/// it trusted (<see cref="SignatureChecked"/> says so in every result).
/// </summary>
public sealed class GpuReferenceManifest
{
    /// <summary>The most bytes a RIM may have (NVIDIA's are under 100 KiB).</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    private const string SwidNamespace = "http://standards.iso.org/iso/19770/-2/2015/schema.xsd";
    private const string Sha384Namespace = "http://www.w3.org/2001/04/xmlenc#sha384";
    private const int MaxAlternatives = 64;

    private GpuReferenceManifest(string name, string? version, IReadOnlyList<GpuReferenceMeasurement> measurements)
    {
        Name = name;
        Version = version;
        Measurements = measurements;
    }

    /// <summary>What the RIM describes (<c>GH100</c>), from the SWID tag's name.</summary>
    public string Name { get; }

    /// <summary>The driver or VBIOS version it is for (<c>colloquialVersion</c>).</summary>
    public string? Version { get; }

    /// <summary>The active reference measurements.</summary>
    public IReadOnlyList<GpuReferenceMeasurement> Measurements { get; }

    /// <summary>Always false: the RIM's XML-DSig signature is not verified by WeightGuard (see the type's remarks).</summary>
    public bool SignatureChecked => false;

    /// <summary>Reads a RIM; no DTD, no external entity, bounded size.</summary>
    /// <exception cref="GpuReportFormatException">Not a SWID tag with measurement resources.</exception>
    public static GpuReferenceManifest Parse(Stream xml)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = MaxBytes, IgnoreComments = true,
            IgnoreWhitespace = true,
        };
        string? name = null, version = null;
        var measurements = new List<GpuReferenceMeasurement>();
        try
        {
            using var reader = XmlReader.Create(xml, settings);
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element || reader.NamespaceURI != SwidNamespace) continue;
                switch (reader.LocalName)
                {
                    case "SoftwareIdentity": name = reader.GetAttribute("name"); break;
                    case "Meta": version ??= reader.GetAttribute("colloquialVersion"); break;
                    case "Resource" when reader.GetAttribute("type") == "Measurement":
                        if (Measurement(reader) is { } m) measurements.Add(m);
                        break;
                }
            }
        }
        catch (XmlException e) { throw new GpuReportFormatException($"not a readable RIM: {e.Message}"); }
        if (name is null) throw new GpuReportFormatException("not a RIM: no SWID SoftwareIdentity element");
        if (measurements.GroupBy(m => m.Index).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new GpuReportFormatException($"RIM {name}: measurement index {twice.Key} is listed twice");
        return new GpuReferenceManifest(name, version, measurements);
    }

    private static GpuReferenceMeasurement? Measurement(XmlReader reader)
    {
        var label = reader.GetAttribute("name") ?? "?";
        if (!int.TryParse(reader.GetAttribute("index"), out var index) || index is < 0 or > 254)
            throw new GpuReportFormatException($"RIM measurement {label}: index '{reader.GetAttribute("index")}' is not 0–254");
        if (!string.Equals(reader.GetAttribute("active"), "True", StringComparison.OrdinalIgnoreCase)) return null;
        if (!int.TryParse(reader.GetAttribute("alternatives"), out var count) || count is < 1 or > MaxAlternatives)
            throw new GpuReportFormatException($"RIM measurement {label}: alternatives '{reader.GetAttribute("alternatives")}' is not 1–{MaxAlternatives}");
        var values = new List<byte[]>(count);
        for (var i = 0; i < count; i++)
        {
            var hex = reader.GetAttribute("Hash" + i, Sha384Namespace)
                ?? throw new GpuReportFormatException($"RIM measurement {label}: Hash{i} is missing");
            try { values.Add(Convert.FromHexString(hex)); }
            catch (FormatException) { throw new GpuReportFormatException($"RIM measurement {label}: Hash{i} is not hexadecimal"); }
            if (values[^1].Length != 48) throw new GpuReportFormatException($"RIM measurement {label}: Hash{i} is not a SHA-384 digest");
        }
        return new GpuReferenceMeasurement(index, label, values);
    }
}
