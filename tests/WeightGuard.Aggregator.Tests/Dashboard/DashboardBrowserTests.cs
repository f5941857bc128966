using System.Security.Cryptography.X509Certificates;
using Microsoft.Playwright;
using WeightGuard.Evidence;
using WeightGuard.Testing;

namespace WeightGuard.Aggregator.Tests.Dashboard;

/// <summary>
/// The dashboard in headless Chromium (the system's, never a downloaded one) against a real aggregator with a seeded
/// fleet, one host attesting through swtpm: sign-in, navigation, filters, admin forms, roles, and the auditor's export
/// verified offline. Screenshots of the main pages are attached to the test results.
/// </summary>
[NonParallelizable]
public sealed class DashboardBrowserTests
{
    private DashboardFleet _fleet = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    [OneTimeSetUp]
    public async Task StartFleetAndBrowser()
    {
        var chromium = ExternalTool.Require("chromium");
        ExternalTool.Require("swtpm");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _fleet = await DashboardFleet.StartAsync(tpm: true);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    [OneTimeTearDown]
    public async Task StopFleetAndBrowser()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (_fleet is not null) await _fleet.DisposeAsync();
    }

    [SetUp]
    public async Task NewBrowserContext()
    {
        // The aggregator's certificate chains to its own CA, which this browser has never seen.
        _context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = _fleet.Aggregator.Address.ToString().TrimEnd('/'), IgnoreHTTPSErrors = true, AcceptDownloads = true,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        // A ceiling for waits on a loaded CI machine, not a timing assertion.
        _context.SetDefaultTimeout(120_000);
        _page = await _context.NewPageAsync();
    }

    [TearDown]
    public async Task CloseBrowserContext() => await _context.CloseAsync();

    private async Task SignInAsync(string token)
    {
        await _page.GotoAsync("/dashboard");
        Assert.That(_page.Url, Does.Contain("/dashboard/sign-in"), "an anonymous visit lands on the sign-in page");
        await _page.GetByLabel("API token").FillAsync(token);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await _page.WaitForURLAsync(url => url.EndsWith("/dashboard", StringComparison.Ordinal));
    }

    private async Task ScreenshotAsync(string name)
    {
        var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "dashboard-screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.AddTestAttachment(path, name);
    }

    [Test]
    public async Task ViewerSignsInReadsTheFleetAndFollowsAHostAndAControl()
    {
        await ScreenshotAsync("sign-in");
        await SignInAsync(_fleet.Viewer);
        Assert.That(await _page.Locator("h1").InnerTextAsync(), Is.EqualTo("Fleet overview"));
        Assert.That(await _page.GetByRole(AriaRole.Heading, new() { Name = "Hosts per RAND level" }).IsVisibleAsync());
        Assert.That(await _page.Locator("svg.chart").CountAsync(), Is.GreaterThanOrEqualTo(2), "level bars and the trend");
        Assert.That(await _page.Locator("table.hosts tbody tr").CountAsync(), Is.EqualTo(5));
        Assert.That(await _page.GetByRole(AriaRole.Link, new() { Name = "Export evidence" }).CountAsync(), Is.Zero, "a viewer is not offered the export");
        await ScreenshotAsync("overview");

        await _page.GetByRole(AriaRole.Link, new() { Name = "gpu-tpm-01" }).ClickAsync();
        Assert.That(await _page.Locator("h1").InnerTextAsync(), Is.EqualTo("gpu-tpm-01"));
        var facts = await _page.Locator("dl.facts").InnerTextAsync();
        Assert.That(facts, Does.Contain("attestation verified").And.Match(@"Last verified quote\s+\d{4}-\d\d-\d\d"));
        Assert.That(await _page.Locator("#pcr + p").InnerTextAsync(), Does.Contain("first verified quote").And.Contain("No PCR has changed since"));
        Assert.That(await _page.Locator("table.pcrs tbody tr").CountAsync(), Is.EqualTo(8), "sha256:0-7");
        var tpmRow = _page.Locator("table.controls tr", new() { HasText = "WG-TPM-001" });
        Assert.That(await tpmRow.Locator(".status").InnerTextAsync(), Is.EqualTo("fail"));
        Assert.That(await tpmRow.InnerTextAsync(), Does.Contain("Remediation").And.Contain("Framework clauses: ").And.Contain("RAND: RAND RR-A2849-1 (2024)"));
        await tpmRow.Locator("summary").ClickAsync();
        Assert.That(await tpmRow.Locator("pre").First.InnerTextAsync(), Is.Not.Empty, "the evidence behind the verdict");
        await ScreenshotAsync("host");

        await tpmRow.GetByRole(AriaRole.Link, new() { Name = "WG-TPM-001" }).ClickAsync();
        Assert.That(await _page.Locator("h1").InnerTextAsync(), Does.StartWith("WG-TPM-001"));
        Assert.That(await _page.Locator("table tbody tr").CountAsync(), Is.EqualTo(4), "every host that reported");
        await ScreenshotAsync("control");
    }

    [Test]
    public async Task TheOverviewTheHostPageAndTheControlPageShowTheSameJudgement()
    {
        await SignInAsync(_fleet.Viewer);
        var row = _page.Locator("table.hosts tbody tr", new() { HasText = "gpu-tpm-01" });
        var cells = await row.Locator("td").AllInnerTextsAsync();
        var (state, failed) = (cells[2], cells[6]);
        Assert.That(state, Is.EqualTo("failing"));

        await row.GetByRole(AriaRole.Link, new() { Name = "gpu-tpm-01" }).ClickAsync();
        var facts = await _page.Locator("dl.facts").InnerTextAsync();
        Assert.That(facts, Does.Contain($"rand-sl1: {state}; {failed} failed"), "the host page counts what the overview counts");
        var hostStatus = await _page.Locator("table.controls tr", new() { HasText = "WG-TPM-001" }).Locator(".status").InnerTextAsync();
        var failedOnPage = await _page.Locator("table.controls .status.fail").CountAsync();
        Assert.That(failedOnPage.ToString(System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(failed), "one row per failed control");

        await _page.GotoAsync("/dashboard/controls/WG-TPM-001");
        var controlRow = _page.Locator("table tbody tr", new() { HasText = "gpu-tpm-01" });
        Assert.That(await controlRow.Locator(".status").InnerTextAsync(), Is.EqualTo(hostStatus), "the control page agrees with the host page");
        await ScreenshotAsync("same-judgement-control");
    }

    [Test]
    public async Task FiltersNarrowTheOverview()
    {
        await SignInAsync(_fleet.Viewer);
        await _page.GetByLabel("Label", new() { Exact = true }).SelectOptionAsync("training");
        await _page.GetByLabel("Assigned profile", new() { Exact = true }).SelectOptionAsync("rand-sl1");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await _page.WaitForURLAsync(url => url.Contains("label=training", StringComparison.Ordinal));
        var hosts = await _page.Locator("table.hosts tbody tr td:first-child").AllInnerTextsAsync();
        Assert.That(hosts, Is.EqualTo(new[] { "gpu-train-01", "gpu-train-02" }));
        Assert.That(await _page.Locator(".lead").InnerTextAsync(), Does.StartWith("2 of 5 hosts shown: 2 failing"));
        await ScreenshotAsync("overview-filtered");

        // gpu-train-02 scanned with rand-sl2, but no policy assigns it: the filter selects the profile judged against.
        await _page.GetByLabel("Assigned profile", new() { Exact = true }).SelectOptionAsync("rand-sl2");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await _page.WaitForURLAsync(url => url.Contains("profile=rand-sl2", StringComparison.Ordinal));
        Assert.That(await _page.Locator("table.hosts tbody tr").CountAsync(), Is.Zero);
        Assert.That(await _page.Locator(".lead").InnerTextAsync(), Does.StartWith("0 of 5 hosts shown"));
    }

    [Test]
    public async Task ViewerMeetsAForbiddenPageAtTheExport()
    {
        await SignInAsync(_fleet.Viewer);
        var response = await _page.GotoAsync("/dashboard/export");
        Assert.That(response!.Status, Is.EqualTo(403));
        Assert.That(await _page.Locator("h1").InnerTextAsync(), Is.EqualTo("Not allowed"));
    }

    [Test]
    public async Task AdminLabelsAHostAndTheLabelFilterFindsIt()
    {
        await SignInAsync(_fleet.Admin);
        await _page.GetByRole(AriaRole.Link, new() { Name = "gpu-serve-01" }).ClickAsync();
        await _page.GetByLabel("Labels (comma-separated)").FillAsync("serving, eu-west");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Save labels" }).ClickAsync();
        Assert.That(await _page.Locator("dl.facts").InnerTextAsync(), Does.Contain("eu-west, serving"));
        await _page.GotoAsync("/dashboard?label=eu-west");
        Assert.That(await _page.Locator("table.hosts tbody tr td:first-child").AllInnerTextsAsync(), Is.EqualTo(new[] { "gpu-serve-01" }));
        await _page.GotoAsync("/dashboard/waivers");
        Assert.That(await _page.Locator("h1").InnerTextAsync(), Is.EqualTo("Waivers"));
    }

    [Test]
    public async Task AuditorDownloadsABundleThatVerifiesOffline()
    {
        await SignInAsync(_fleet.Auditor);
        await _page.GetByRole(AriaRole.Link, new() { Name = "Export evidence" }).ClickAsync();
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(_fleet.Aggregator.Data.CaCertificate));
        Assert.That(await _page.Locator("code.fingerprint").First.InnerTextAsync(), Is.EqualTo(ManifestSignature.Fingerprint(ca)), "the CA's fingerprint, to compare out of band");
        var certificate = await _page.RunAndWaitForDownloadAsync(() => _page.GetByRole(AriaRole.Link, new() { Name = "Download the aggregator's CA certificate (ca.crt)" }).ClickAsync());
        Assert.That(certificate.SuggestedFilename, Is.EqualTo("ca.crt"));
        // Hosts by enrolled name and glob, as a person names them.
        await _page.Locator("#hosts").FillAsync("gpu-tpm-01, gpu-train-*");
        await ScreenshotAsync("export");
        var download = await _page.RunAndWaitForDownloadAsync(() => _page.GetByRole(AriaRole.Button, new() { Name = "Download the bundle" }).ClickAsync());
        Assert.That(download.SuggestedFilename, Does.Match(@"^weightguard-evidence-\d{8}T\d{6}Z\.zip$"));
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "dashboard-export.zip");
        await download.SaveAsAsync(path);

        await using var bundle = File.OpenRead(path);
        var verification = EvidenceBundleVerifier.Verify(bundle, ca);
        Assert.That(verification.Problems, Is.Empty, string.Join("\n", verification.Problems));
        Assert.That(verification.Verified, "signed by the aggregator and anchored in its CA");
        Assert.Multiple(() =>
        {
            Assert.That(verification.Counts.QuotesVerified, Is.EqualTo(2), "gpu-tpm-01's two attested reports");
            Assert.That(verification.Hosts.Select(h => h.Name).Order(), Is.EqualTo(new[] { "gpu-tpm-01", "gpu-train-01", "gpu-train-02" }));
            Assert.That(verification.Counts.VerdictsReproduced, Is.EqualTo(4));
        });
        await _page.ReloadAsync();
        await ScreenshotAsync("export-past");
        Assert.That(await _page.Locator("table").Last.InnerTextAsync(), Does.Contain("3 host(s), 4 report(s); hosts gpu-tpm-01,gpu-train-*"));
    }

    /// <summary>
    /// The security lead's minute and the auditor's afternoon, in the order they would go: the worst host and why, what to
    /// fix first, a host's attestation (read, then printed on A4 with its evidence open and the print date in every page's
    /// margin), a report's own page, and an export of one host verified offline. Screenshots and the printed PDF are attached.
    /// </summary>
    [Test]
    public async Task SecurityLeadAndAuditorWalkTheirPaths()
    {
        // The security lead: which host is worst, and why.
        await SignInAsync(_fleet.Viewer);
        Assert.That(await _page.Locator(".applied").InnerTextAsync(), Is.EqualTo("Filters: none (every host)."));
        var profiles = await _page.Locator("#profiles + table tbody tr").CountAsync();
        Assert.That(await _page.Locator("figure.trend").CountAsync(), Is.EqualTo(profiles).And.GreaterThan(0), "one trend per profile judged against");
        Assert.That(await _page.Locator("figure.trend svg circle").CountAsync(), Is.EqualTo(profiles), "one day of data: one dot per profile");
        await _page.GetByRole(AriaRole.Link, new() { Name = "Failed", Exact = true }).ClickAsync();
        await _page.WaitForURLAsync(url => url.Contains("sort=failed", StringComparison.Ordinal));
        var worst = _page.Locator("table.hosts tbody tr").First;
        var worstCells = await worst.Locator("td").AllInnerTextsAsync();
        var failedCounts = (await _page.Locator("table.hosts tbody tr td:nth-child(7)").AllInnerTextsAsync()).Select(int.Parse).ToList();
        Assert.That(int.Parse(worstCells[6]), Is.EqualTo(failedCounts.Max()), "the most failed controls first");
        await ScreenshotAsync("walk-1-overview-worst-first");
        var worstName = worstCells[0].Split(' ')[0];
        await worst.GetByRole(AriaRole.Link, new() { Name = worstName }).ClickAsync();
        Assert.That(await _page.Locator("h1").InnerTextAsync(), Does.StartWith(worstName));
        var failures = _page.Locator("table.controls tr", new() { Has = _page.Locator(".status.fail") });
        Assert.That(await failures.CountAsync(), Is.EqualTo(int.Parse(worstCells[6])), "why: every failed control, failures first");
        Assert.That(await failures.First.InnerTextAsync(), Does.Contain("Remediation"));
        await ScreenshotAsync("walk-2-worst-host-why");

        // What to fix first across the fleet.
        await _page.GotoAsync("/dashboard");
        var fixFirst = _page.Locator("#failing + table tbody tr").First;
        var control = (await fixFirst.Locator("td").First.InnerTextAsync()).Trim();
        var severities = (await _page.Locator("#failing + table tbody .sev").AllInnerTextsAsync()).Select(Aggregator.Judgement.HostState.SeverityRank).ToList();
        Assert.That(severities, Is.Ordered.And.Not.Empty, "most severe first");
        await ScreenshotAsync("walk-3-fix-first");
        await fixFirst.GetByRole(AriaRole.Link, new() { Name = control }).ClickAsync();
        Assert.That(await _page.Locator("h1").InnerTextAsync(), Does.StartWith(control));

        // A host's attestation: words first, values collapsed.
        await _page.GotoAsync($"/dashboard/hosts/{_fleet.AgentIds["gpu-tpm-01"]}");
        var panel = _page.Locator("section.attestation");
        Assert.That(await panel.Locator("h2").InnerTextAsync(), Is.EqualTo("Attestation"));
        Assert.That(await panel.Locator("table.pcrs").IsVisibleAsync(), Is.False, "the PCR values are collapsed by default");
        await panel.Locator("summary").ClickAsync();
        Assert.That(await panel.Locator("table.pcrs").IsVisibleAsync());
        var measures = await panel.Locator("table.pcrs tbody td:nth-child(2)").AllInnerTextsAsync();
        Assert.That(measures.Take(8), Is.EqualTo(Enumerable.Range(0, 8).Select(Aggregator.Dashboard.PcrRegisters.Measures)), "every PCR named");
        var standings = await panel.Locator("table.pcrs tbody td:nth-child(3)").AllInnerTextsAsync();
        var zeros = (await panel.Locator("table.pcrs tbody td:nth-child(4)").AllInnerTextsAsync()).Count(v => v.All(c => c == '0'));
        Assert.That(standings.Count(s => s == "not measured"), Is.EqualTo(zeros), "a PCR left at zero reads not measured, never same");
        if (zeros > 0) Assert.That(await panel.Locator(".warning").CountAsync(), Is.GreaterThan(0), "and is warned of");
        await ScreenshotAsync("walk-4-attestation");

        // Printed: A4, evidence open, PCR values within the page, the print date on the page.
        await panel.Locator("summary").ClickAsync();
        Assert.That(await panel.Locator("table.pcrs").IsVisibleAsync(), Is.False, "closed again before printing");
        await _page.SetViewportSizeAsync(700, 1000);
        await _page.EmulateMediaAsync(new() { Media = Media.Print });
        Assert.That(await panel.Locator("table.pcrs").IsVisibleAsync(), "collapsed PCR values are printed");
        Assert.That(await _page.Locator("table.controls details pre").First.IsVisibleAsync(), "collapsed evidence is printed");
        Assert.That(await _page.Locator(".printed").InnerTextAsync(), Does.Match(@"^Printed \d{4}-\d\d-\d\d \d\d:\d\d UTC$"));
        var table = await panel.Locator("table.pcrs").BoundingBoxAsync();
        Assert.That(table!.X + table.Width, Is.LessThanOrEqualTo(700), "the PCR table wraps within an A4 page's printable width");
        var pdf = Path.Combine(TestContext.CurrentContext.WorkDirectory, "dashboard-screenshots", "walk-5-host-printed.pdf");
        await _page.PdfAsync(new() { Path = pdf, Format = "A4", PreferCSSPageSize = true });
        Assert.That(new FileInfo(pdf).Length, Is.GreaterThan(1000));
        TestContext.AddTestAttachment(pdf, "the host page printed to A4");
        var printedPanel = Path.Combine(TestContext.CurrentContext.WorkDirectory, "dashboard-screenshots", "walk-5-attestation-printed.png");
        await panel.ScreenshotAsync(new() { Path = printedPanel });
        TestContext.AddTestAttachment(printedPanel, "the attestation panel as printed");
        await _page.EmulateMediaAsync(new() { Media = Media.Screen });
        await _page.SetViewportSizeAsync(1280, 900);

        // A report from "Recent reports" opens its own page.
        await _page.Locator("#history + table tbody tr").First.Locator("a").ClickAsync();
        Assert.That(_page.Url, Does.Match("/dashboard/reports/[0-9a-f-]{36}$"));
        Assert.That(await _page.Locator("dl.facts").InnerTextAsync(), Does.Contain("verified: the TPM quote").And.Contain("gpu-tpm-01"));
        await ScreenshotAsync("walk-6-report");

        // The auditor: exports one host and verifies the bundle offline.
        await _page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await SignInAsync(_fleet.Auditor);
        await _page.GetByRole(AriaRole.Link, new() { Name = "Export evidence" }).ClickAsync();
        using var trust = X509Certificate2.CreateFromPem(File.ReadAllText(_fleet.Aggregator.Data.CaCertificate));
        var offered = await _page.RunAndWaitForDownloadAsync(() => _page.GetByRole(AriaRole.Link, new() { Name = "Download the aggregator's CA certificate (ca.crt)" }).ClickAsync());
        var saved = Path.Combine(TestContext.CurrentContext.WorkDirectory, "dashboard-ca.crt");
        await offered.SaveAsAsync(saved);
        using var downloaded = X509CertificateLoader.LoadCertificateFromFile(saved);
        Assert.That(downloaded.Thumbprint, Is.EqualTo(trust.Thumbprint), "the certificate offered is the aggregator's CA");
        // The host by its enrolled name, as the auditor read it on the overview.
        await _page.Locator("#hosts").FillAsync("gpu-tpm-01");
        await ScreenshotAsync("walk-7-export-one-host");
        var download = await _page.RunAndWaitForDownloadAsync(() => _page.GetByRole(AriaRole.Button, new() { Name = "Download the bundle" }).ClickAsync());
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "dashboard-export-one-host.zip");
        await download.SaveAsAsync(path);
        BundleVerification verification;
        await using (var bundle = File.OpenRead(path)) verification = EvidenceBundleVerifier.Verify(bundle, downloaded);
        Assert.That(verification.Problems, Is.Empty, string.Join("\n", verification.Problems));
        Assert.That(verification.Verified);
        Assert.That(verification.Counts.QuotesVerified, Is.EqualTo(2));
        // The working paper names the host and its reports, anchored in the certificate the page offered.
        var paper = WorkingPaper.Of(verification, "weightguard test", DateTimeOffset.UtcNow, path, downloaded, null);
        Assert.That(paper.Hosts.Select(h => h.Name), Is.EqualTo(new[] { "gpu-tpm-01" }), "only the host asked for, by name");
        Assert.That(paper.Hosts.Single().Reports, Has.Count.EqualTo(2));
        Assert.That(paper.Trust?.Sha256Fingerprint, Is.EqualTo(ManifestSignature.Fingerprint(trust)));
    }
}
