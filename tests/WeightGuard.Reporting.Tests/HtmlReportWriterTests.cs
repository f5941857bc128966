using System.Text;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Evidence;
using WeightGuard.Core.Reports;

namespace WeightGuard.Reporting.Tests;

public class HtmlReportWriterTests
{
    private static Report Hostile() => new()
    {
        ReportId = Guid.Parse("6c1e8f52-3b0a-4a37-9a55-1b7c58a2d0f1"),
        Host = new HostIdentity { Hostname = "<img src=x onerror=alert(1)>", Os = "Linux", Kernel = "6.1", Arch = "x64", Platform = "linux" },
        Agent = new AgentInfo("0.1.0"),
        StartedAt = DateTimeOffset.UnixEpoch,
        FinishedAt = DateTimeOffset.UnixEpoch,
        Profile = new ProfileInfo("rand-sl1", "RAND SL1", "sha256:" + new string('0', 64)),
        Evidence = new Evidence { Host = new HostIdentity { Hostname = "h", Os = "o", Kernel = "k", Arch = "a", Platform = "linux" } },
        Results =
        [
            new ControlResult
            {
                ControlId = "WG-ACL-001", Title = "No world access", Status = ControlStatus.Fail, Severity = Severity.Critical,
                Message = "/models/</pre><script>steal()</script>.gguf is world-readable", Evidence = ["/evidence/host"],
                References = new Dictionary<string, IReadOnlyList<string>> { ["rand"] = ["SL1"] }, Remediation = "chmod o-r",
            },
        ],
        Summary = new Summary { Pass = 0, Fail = 1, Error = 0, NotApplicable = 0, Waived = 0, Manual = 0, Attested = 0, Rand = new RandStanding("SL0", "SL0", 0) },
    };

    [Test]
    public void FileNamesAndHostnamesFromTheHostAreEscaped()
    {
        using var stream = new MemoryStream();
        new HtmlReportWriter().Write(Hostile(), stream);
        var html = Encoding.UTF8.GetString(stream.ToArray());
        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Not.Contain("<script>steal()"));
            Assert.That(html, Does.Not.Contain("<img src=x"));
            Assert.That(html, Does.Contain("&lt;script&gt;steal()"));
            Assert.That(html, Does.Contain("Remediation:</strong> chmod o-r"));
        });
    }

    [Test]
    public void JUnitCountsMatchTheSummary()
    {
        using var stream = new MemoryStream();
        new JUnitReportWriter().Write(Hostile(), stream);
        var suite = System.Xml.Linq.XDocument.Parse(Encoding.UTF8.GetString(stream.ToArray())).Root!.Element("testsuite")!;
        Assert.That((suite.Attribute("failures")!.Value, suite.Element("testcase")!.Element("failure")!.Attribute("message")!.Value),
            Is.EqualTo(("1", "/models/</pre><script>steal()</script>.gguf is world-readable")));
    }
}
