namespace WeightGuard.Evidence.Gpu;

/// <summary>A GPU attestation report (or a reference manifest) that does not parse; the message names the offset and the field.</summary>
public sealed class GpuReportFormatException(string message) : Exception(message);
