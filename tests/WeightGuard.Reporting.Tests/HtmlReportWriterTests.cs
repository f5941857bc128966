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

    private static Report Mixed() => Hostile() with
    {
        Host = new HostIdentity { Hostname = "gpu-01", Os = "Linux", Kernel = "6.1", Arch = "x64", Platform = "linux" },
        Results =
        [
            new ControlResult
            {
                ControlId = "WG-ACL-001", Title = "No world access", Status = ControlStatus.Pass, Severity = Severity.Critical,
                Message = "None of 2 weight file(s) is open to others", Evidence = [],
                References = new Dictionary<string, IReadOnlyList<string>> { ["rand"] = ["RAND RR-A2849-1 (2024) table 6.3: SL1 (direct)"] },
            },
            new ControlResult
            {
                ControlId = "WG-BOOT-004", Title = "Kernel lockdown is on", Status = ControlStatus.Fail, Severity = Severity.High,
                Message = "Kernel lockdown is off. Required: integrity or confidentiality.", Evidence = ["/evidence/host"],
                References = new Dictionary<string, IReadOnlyList<string>>
                {
                    ["dsit"] = ["DSIT Code of Practice for the Cyber Security of AI (31 Jan 2025) principle 6 (derived)"],
                    ["rand"] = ["RAND RR-A2849-1 (2024) table 6.4: SL3 (direct)"],
                },
                Remediation = "Boot with lockdown=integrity.",
            },
            new ControlResult
            {
                ControlId = "WG-PRIV-001", Title = "Few accounts can act as root", Status = ControlStatus.Error, Severity = Severity.High,
                Message = "Could not check because /etc/sudoers could not be read (permission denied).", Evidence = [],
                References = new Dictionary<string, IReadOnlyList<string>> { ["nist-800-53"] = ["NIST SP 800-53r5 AC-6 (partial)"] },
                Guidance = "Run the agent as root.",
            },
        ],
        Summary = new Summary { Pass = 1, Fail = 1, Error = 1, NotApplicable = 0, Waived = 0, Manual = 0, Attested = 0, Rand = new RandStanding("SL0", "SL0", 0) },
    };

    [Test]
    public void TheReportOpensWithTheVerdictAndWhatNeedsActionAndEndsWithTheClauseTable()
    {
        using var stream = new MemoryStream();
        new HtmlReportWriter().Write(Mixed(), stream);
        var html = Encoding.UTF8.GetString(stream.ToArray());
        int At(string text)
        {
            var i = html.IndexOf(text, StringComparison.Ordinal);
            Assert.That(i, Is.GreaterThanOrEqualTo(0), text);
            return i;
        }
        Assert.Multiple(() =>
        {
            Assert.That(At("RAND SL0 host controls met"), Is.LessThan(At("Needs action")));
            Assert.That(At("Needs action"), Is.LessThan(At("Kernel lockdown is off.")));
            Assert.That(At("Kernel lockdown is off."), Is.LessThan(At("Could not check because /etc/sudoers")));
            Assert.That(At("Could not check because /etc/sudoers"), Is.LessThan(At("Other findings")));
            Assert.That(At("Other findings"), Is.LessThan(At("None of 2 weight file(s)")));
            Assert.That(At("None of 2 weight file(s)"), Is.LessThan(At("<table>")), "the clause table comes last");
            Assert.That(html, Does.Contain("<strong>Remediation:</strong> Boot with lockdown=integrity."));
            Assert.That(html, Does.Contain("<strong>To let WeightGuard check it:</strong> Run the agent as root."));
            Assert.That(html, Does.Contain("<li>DSIT: DSIT Code of Practice for the Cyber Security of AI (31 Jan 2025) principle 6 (derived)</li>"));
            Assert.That(html, Does.Contain("<li>NIST SP 800-53: NIST SP 800-53r5 AC-6 (partial)</li>"));
        });
    }

    [Test]
    public void JUnitGivesAFailureItsRemediationAndAnErrorItsGuidance()
    {
        using var stream = new MemoryStream();
        new JUnitReportWriter().Write(Mixed(), stream);
        var cases = System.Xml.Linq.XDocument.Parse(Encoding.UTF8.GetString(stream.ToArray())).Root!.Element("testsuite")!.Elements("testcase").ToList();
        Assert.That(cases.Select(c => (c.Element("failure") ?? c.Element("error"))?.Value),
            Is.EqualTo(new[] { null, "Remediation: Boot with lockdown=integrity.", "To let WeightGuard check it: Run the agent as root." }));
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
