using WeightGuard.Evidence.Gpu;

namespace WeightGuard.Fuzz;

/// <summary><see cref="SpdmMeasurementReport"/> on a GPU attestation report (raw or hex), then its opaque-data versions.</summary>
[FuzzTarget("gpu-report")]
internal sealed class GpuReportTarget : IFuzzTarget
{
    public void Run(byte[] input)
    {
        try
        {
            var report = SpdmMeasurementReport.Parse(input);
            _ = report.DriverVersion;
            _ = report.VbiosVersion;
        }
        catch (GpuReportFormatException) { }
    }
}
