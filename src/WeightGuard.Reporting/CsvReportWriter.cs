using System.Globalization;
using System.Text;
using WeightGuard.Core.Reports;

namespace WeightGuard.Reporting;

/// <summary>
/// Findings as CSV (RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or line break), one row per
/// control per report, for spreadsheets. A cell that a spreadsheet would run as a formula (starting with <c>=</c>,
/// <c>+</c>, <c>-</c>, <c>@</c>, tab or carriage return) is prefixed with an apostrophe, so hostile evidence text stays text.
/// </summary>
public sealed class CsvReportWriter : IFindingsWriter
{
    private static readonly string[] Header =
    [
        "hostname", "machine_id", "report_id", "finished_at", "profile", "control_id", "title", "status", "severity",
        "message", "references", "remediation", "waiver_approver", "waiver_expires", "attested_by", "attestation_expires",
        "rand_host_controls_met", "rand_attested", "guidance",
    ];

    /// <inheritdoc />
    public string Format => "csv";

    /// <inheritdoc />
    public void Write(Report report, Stream output) => WriteAll([report], output);

    /// <inheritdoc />
    public void WriteAll(IEnumerable<Report> reports, Stream output)
    {
        // Written report by report, so that a fleet's findings are never held in memory at once.
        var utf8 = new UTF8Encoding(false);
        var text = new StringBuilder();
        Row(text, Header);
        foreach (var report in reports)
        {
            foreach (var r in report.Results)
                Row(text,
                [
                    report.Host.Hostname, report.Host.MachineId ?? "", report.ReportId.ToString(),
                    report.FinishedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), report.Profile.Id,
                    r.ControlId, r.Title, Statuses.Name(r.Status), r.Severity.ToString().ToLowerInvariant(), r.Message,
                    string.Join("; ", r.References.SelectMany(kv => kv.Value.Select(clause => $"{kv.Key}:{clause}"))),
                    r.Remediation ?? "", r.Waiver?.Approver ?? "",
                    r.Waiver is { } w ? w.Expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "",
                    r.Attestation?.Attestor ?? "",
                    r.Attestation is { } a ? a.Expires.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) : "",
                    report.Summary.Rand.HostControlsMet, report.Summary.Rand.Attested, r.Guidance ?? "",
                ]);
            output.Write(utf8.GetBytes(text.ToString()));
            text.Clear();
        }
        output.Write(utf8.GetBytes(text.ToString()));
    }

    /// <summary>One record: its fields (see <see cref="Cell"/>) and CRLF.</summary>
    public static void Row(StringBuilder text, IReadOnlyList<string> cells)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0) text.Append(',');
            Cell(text, cells[i]);
        }
        text.Append("\r\n");
    }

    /// <summary>One field: neutralised against formula injection, then quoted as RFC 4180 requires.</summary>
    public static void Cell(StringBuilder text, string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            text.Append(value);
            return;
        }
        text.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
