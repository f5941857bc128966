using System.Text.Json;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Reports;

namespace WeightGuard.Reporting;

/// <summary>
/// OCSF 1.3 Compliance Finding events (class 2003), one JSON object per line, for SIEMs. Only judged controls are
/// emitted (not-applicable ones are not findings).
/// </summary>
public sealed class OcsfReportWriter : IFindingsWriter
{
    /// <summary>OCSF schema version the events follow.</summary>
    public const string OcsfVersion = "1.3.0";

    /// <inheritdoc />
    public string Format => "ocsf";

    /// <inheritdoc />
    public void Write(Report report, Stream output) => WriteAll([report], output);

    /// <inheritdoc />
    public void WriteAll(IEnumerable<Report> reports, Stream output)
    {
        foreach (var report in reports)
            foreach (var r in report.Results.Where(r => r.Status != ControlStatus.NotApplicable))
            {
                using (var json = new Utf8JsonWriter(output))
                    WriteFinding(json, report, r);
                output.Write("\n"u8);
            }
    }

    private static void WriteFinding(Utf8JsonWriter w, Report report, ControlResult r)
    {
        var (complianceStatus, complianceStatusId) = r.Status switch
        {
            // A waiver is an accepted risk and an attestation a person's word: neither is an observed pass.
            ControlStatus.Pass => ("Pass", 1),
            ControlStatus.Manual or ControlStatus.Error or ControlStatus.Waived or ControlStatus.Attested => ("Warning", 2),
            _ => ("Fail", 3),
        };
        w.WriteStartObject();
        w.WriteNumber("class_uid", 2003);
        w.WriteString("class_name", "Compliance Finding");
        w.WriteNumber("category_uid", 2);
        w.WriteString("category_name", "Findings");
        w.WriteNumber("activity_id", 1);
        w.WriteString("activity_name", "Create");
        w.WriteNumber("type_uid", 200301);
        w.WriteNumber("severity_id", r.Severity switch { Severity.Low => 2, Severity.Medium => 3, Severity.High => 4, _ => 5 });
        w.WriteString("severity", r.Severity.ToString());
        w.WriteNumber("status_id", 1);
        w.WriteString("status", "New");
        w.WriteNumber("time", report.FinishedAt.ToUnixTimeMilliseconds());
        w.WriteString("message", r.Message);
        w.WriteStartObject("metadata");
        w.WriteString("version", OcsfVersion);
        w.WriteString("uid", $"{report.ReportId}/{r.ControlId}");
        w.WriteStartObject("product");
        w.WriteString("name", "WeightGuard");
        w.WriteString("vendor_name", "WeightGuard");
        w.WriteString("version", report.Agent.Version);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("finding_info");
        w.WriteString("uid", $"{report.Host.Hostname}/{r.ControlId}");
        w.WriteString("title", r.Title);
        w.WriteString("desc", r.Message);
        w.WriteEndObject();
        w.WriteStartObject("compliance");
        w.WriteString("control", r.ControlId);
        w.WriteStartArray("standards");
        foreach (var (framework, clauses) in r.References)
            foreach (var clause in clauses) w.WriteStringValue($"{framework}:{clause}");
        w.WriteEndArray();
        w.WriteString("status", complianceStatus);
        w.WriteNumber("status_id", complianceStatusId);
        w.WriteString("status_detail", Statuses.Name(r.Status));
        w.WriteEndObject();
        if (FindingText.NextStep(r) is var (_, step))
        {
            w.WriteStartObject("remediation");
            w.WriteString("desc", step);
            w.WriteEndObject();
        }
        w.WriteStartObject("device");
        w.WriteString("hostname", report.Host.Hostname);
        if (report.Host.MachineId is not null) w.WriteString("uid", report.Host.MachineId);
        w.WriteNumber("type_id", 1);
        w.WriteStartObject("os");
        w.WriteString("name", report.Host.Os);
        w.WriteString("type", report.Host.Platform == "windows" ? "Windows" : "Linux");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
