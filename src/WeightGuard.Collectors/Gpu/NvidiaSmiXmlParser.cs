using System.Globalization;
using System.Xml;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Gpu;

/// <summary>What <c>nvidia-smi -q -x</c> says about the driver and each GPU.</summary>
/// <param name="DriverVersion">Driver version.</param>
/// <param name="CudaVersion">CUDA version.</param>
/// <param name="Gpus">The GPUs.</param>
public sealed record NvidiaSmiLog(string? DriverVersion, string? CudaVersion, IReadOnlyList<NvidiaGpu> Gpus);

/// <summary>
/// Parses <c>nvidia-smi -q -x</c>. The real output starts with a DOCTYPE naming an external DTD: it is ignored, never
/// fetched, and entity expansion is off, so the document cannot make the parser read files or grow without bound.
/// </summary>
public static class NvidiaSmiXmlParser
{
    /// <summary>Largest document accepted (a GPU's full query is about 30 KB; 8 GPUs with processes stay far below this).</summary>
    public const int MaxChars = 8 << 20;

    /// <summary>Most GPUs accepted in one document.</summary>
    public const int MaxGpus = 256;

    /// <summary>Parses the XML text.</summary>
    /// <exception cref="InvalidDataException">Not nvidia-smi XML, malformed (with line and position), or over the limits.</exception>
    public static NvidiaSmiLog Parse(string xml)
    {
        if (xml.Length > MaxChars) throw new InvalidDataException($"nvidia-smi XML: {xml.Length} characters, more than the {MaxChars} accepted");
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Ignore,
            XmlResolver = null,
            MaxCharactersInDocument = MaxChars,
            MaxCharactersFromEntities = 0,
            IgnoreComments = true,
            IgnoreWhitespace = true,
        };
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        try
        {
            return Read(reader);
        }
        catch (XmlException e)
        {
            throw new InvalidDataException($"nvidia-smi XML: line {e.LineNumber}, position {e.LinePosition}: {e.Message}", e);
        }
    }

    private static NvidiaSmiLog Read(XmlReader reader)
    {
        reader.MoveToContent();
        if (reader.NodeType != XmlNodeType.Element || reader.Name != "nvidia_smi_log")
            throw new InvalidDataException($"nvidia-smi XML: {Where(reader)}: root element is <{reader.Name}>, expected <nvidia_smi_log>");
        string? driver = null, cuda = null;
        var gpus = new List<NvidiaGpu>();
        if (reader.IsEmptyElement) return new NvidiaSmiLog(null, null, gpus);
        reader.Read();
        while (reader.NodeType != XmlNodeType.EndElement && !reader.EOF)
        {
            if (reader.NodeType != XmlNodeType.Element) { reader.Read(); continue; }
            switch (reader.Name)
            {
                case "driver_version": driver = reader.ReadElementContentAsString().Trim(); break;
                case "cuda_version": cuda = reader.ReadElementContentAsString().Trim(); break;
                case "gpu":
                    if (gpus.Count == MaxGpus) throw new InvalidDataException($"nvidia-smi XML: {Where(reader)}: more than {MaxGpus} <gpu> elements");
                    gpus.Add(ReadGpu(reader, gpus.Count));
                    break;
                default: reader.Skip(); break;
            }
        }
        return new NvidiaSmiLog(driver, cuda, gpus);
    }

    /// <summary>Reads one <c>&lt;gpu&gt;</c> element, keeping the leaves WeightGuard needs by their path below it.</summary>
    private static NvidiaGpu ReadGpu(XmlReader reader, int ordinal)
    {
        var at = Where(reader);
        var busId = reader.GetAttribute("id");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var path = new List<string>();
        if (!reader.IsEmptyElement)
        {
            var depth = reader.Depth;
            reader.Read();
            while (!(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
            {
                if (reader.EOF) throw new InvalidDataException($"nvidia-smi XML: <gpu> at {at} is not closed");
                if (reader.NodeType == XmlNodeType.Element)
                {
                    if (reader.IsEmptyElement) { reader.Read(); continue; }
                    path.Add(reader.Name);
                    if (path.Count > 32) throw new InvalidDataException($"nvidia-smi XML: {Where(reader)}: elements nested deeper than 32");
                }
                else if (reader.NodeType == XmlNodeType.EndElement) path.RemoveAt(path.Count - 1);
                else if (reader.NodeType == XmlNodeType.Text) values.TryAdd(string.Join('/', path), reader.Value.Trim());
                reader.Read();
            }
        }
        reader.Read();
        string? V(string key) => values.TryGetValue(key, out var v) && v.Length > 0 ? v : null;
        var uuid = V("uuid") ?? throw new InvalidDataException($"nvidia-smi XML: <gpu> at {at} has no <uuid>");
        return new NvidiaGpu
        {
            Index = V("minor_number") is { } minor && int.TryParse(minor, NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : ordinal,
            Name = V("product_name") ?? "unknown",
            Uuid = uuid,
            PciBusId = V("pci/pci_bus_id") ?? busId ?? "unknown",
            Architecture = V("product_architecture"),
            VbiosVersion = V("vbios_version"),
            PersistenceMode = V("persistence_mode"),
            EccCurrent = V("ecc_mode/current_ecc"),
            EccPending = V("ecc_mode/pending_ecc"),
            MigCurrent = V("mig_mode/current_mig"),
            MigPending = V("mig_mode/pending_mig"),
            ComputeMode = V("compute_mode"),
        };
    }

    private static string Where(XmlReader reader) => reader is IXmlLineInfo info && info.HasLineInfo()
        ? $"line {info.LineNumber}, position {info.LinePosition}"
        : "unknown position";
}
