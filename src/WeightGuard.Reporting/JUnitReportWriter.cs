using System.Globalization;
using System.Xml;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Reports;

namespace WeightGuard.Reporting;

/// <summary>
/// JUnit XML for CI pipelines: one test suite per report, one test case per control. Fail is a failure, error an error,
/// not-applicable, waived, manual and attested are skipped (with the reason), so a pipeline goes red exactly when the exit code is 1.
/// </summary>
public sealed class JUnitReportWriter : IReportWriter
{
    /// <inheritdoc />
    public string Format => "junit";

    /// <inheritdoc />
    public void Write(Report report, Stream output)
    {
        using var xml = XmlWriter.Create(output, new XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(false) });
        var s = report.Summary;
        var seconds = (report.FinishedAt - report.StartedAt).TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        xml.WriteStartElement("testsuites");
        xml.WriteStartElement("testsuite");
        xml.WriteAttributeString("name", $"weightguard {report.Profile.Id} on {report.Host.Hostname}");
        xml.WriteAttributeString("tests", report.Results.Count.ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("failures", s.Fail.ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("errors", s.Error.ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("skipped", (s.NotApplicable + s.Waived + s.Manual + s.Attested).ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("time", seconds);
        xml.WriteAttributeString("timestamp", report.StartedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
        xml.WriteAttributeString("hostname", report.Host.Hostname);
        foreach (var r in report.Results)
        {
            xml.WriteStartElement("testcase");
            xml.WriteAttributeString("classname", $"weightguard.{report.Profile.Id}");
            xml.WriteAttributeString("name", $"{r.ControlId} {r.Title}");
            switch (r.Status)
            {
                case ControlStatus.Fail:
                    Element(xml, "failure", r.Message, r.Severity.ToString().ToLowerInvariant(), FindingText.NextStep(r));
                    break;
                case ControlStatus.Error:
                    Element(xml, "error", r.Message, "evidence", FindingText.NextStep(r));
                    break;
                case ControlStatus.NotApplicable or ControlStatus.Waived or ControlStatus.Manual or ControlStatus.Attested:
                    xml.WriteStartElement("skipped");
                    xml.WriteAttributeString("message", $"{Statuses.Name(r.Status)}: {r.Message}");
                    xml.WriteEndElement();
                    break;
            }
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void Element(XmlWriter xml, string name, string message, string type, (string Label, string Text)? body)
    {
        xml.WriteStartElement(name);
        xml.WriteAttributeString("message", message);
        xml.WriteAttributeString("type", type);
        if (body is var (label, text)) xml.WriteString($"{label}: {text}");
        xml.WriteEndElement();
    }
}

/// <summary>Status names as they appear in reports.</summary>
public static class Statuses
{
    /// <summary><c>pass</c>, <c>fail</c>, <c>error</c>, <c>not-applicable</c>, <c>waived</c>, <c>manual</c> or <c>attested</c>.</summary>
    public static string Name(ControlStatus status) => status switch
    {
        ControlStatus.NotApplicable => "not-applicable",
        _ => status.ToString().ToLowerInvariant(),
    };
}
