using System.Text.Json;
using WeightGuard.Core.Reports;

namespace WeightGuard.Reporting;

/// <summary><c>weightguard.report/v1</c> JSON, as published in <c>schemas/weightguard.report.v1.schema.json</c>.</summary>
public sealed class JsonReportWriter : IReportWriter
{
    /// <inheritdoc />
    public string Format => "json";

    /// <inheritdoc />
    public void Write(Report report, Stream output)
    {
        JsonSerializer.Serialize(output, report, WeightGuardJsonContext.Default.Report);
        output.Write("\n"u8);
    }
}
