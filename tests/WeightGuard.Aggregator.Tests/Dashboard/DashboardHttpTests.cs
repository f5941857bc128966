using System.Net;
using WeightGuard.Aggregator.Dashboard;

namespace WeightGuard.Aggregator.Tests.Dashboard;

/// <summary>
/// The dashboard over real TLS as a browser sees it, without a browser: sign-in, the session cookie, antiforgery, the
/// security headers, escaping, roles and hostile form input.
/// </summary>
[NonParallelizable]
public sealed class DashboardHttpTests
{
    private DashboardFleet _fleet = null!;

    [OneTimeSetUp]
    public async Task StartFleet() => _fleet = await DashboardFleet.StartAsync(tpm: false);

    [OneTimeTearDown]
    public async Task StopFleet() => await _fleet.DisposeAsync();

    [Test]
    public async Task PagesNeedASignInAndSayWhereToGo()
    {
        using var client = _fleet.Aggregator.Client(cookies: new CookieContainer());
        var response = await client.GetAsync("/dashboard/hosts/x?y=1");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(response.Headers.Location!.ToString(), Does.Contain("/dashboard/sign-in?returnUrl=%2Fdashboard%2Fhosts%2Fx%3Fy%3D1"));
    }

    [Test]
    public async Task SessionCookieIsHttpOnlySecureStrictAndHoldsNoToken()
    {
        var cookies = new CookieContainer();
        using var client = _fleet.Aggregator.Client(cookies: cookies);
        var form = await DashboardFleet.FormAsync(client, "/dashboard/sign-in", ("token", _fleet.Viewer), ("returnUrl", "/dashboard/controls/WG-TPM-001"));
        var response = await client.PostAsync("/dashboard/sign-in", form);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(response.Headers.Location!.ToString(), Is.EqualTo("/dashboard/controls/WG-TPM-001"));
        var session = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("__Host-weightguard=", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(session, Does.Contain("httponly").IgnoreCase);
            Assert.That(session, Does.Contain("secure").IgnoreCase);
            Assert.That(session, Does.Contain("samesite=strict").IgnoreCase);
            Assert.That(session, Does.Contain("path=/"));
            Assert.That(session, Does.Not.Contain(_fleet.Viewer[4..]), "the token itself is not in the cookie");
        });
        Assert.That(await client.GetStringAsync("/dashboard"), Does.Contain("<h1>Fleet overview</h1>").And.Contain("vera viewer"));
    }

    [Test]
    public async Task UnknownTokenIsRefusedWithTheFormAgain()
    {
        using var client = _fleet.Aggregator.Client(cookies: new CookieContainer());
        var response = await client.PostAsync("/dashboard/sign-in", await DashboardFleet.FormAsync(client, "/dashboard/sign-in", ("token", "wgp_notatoken")));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("not known to this aggregator").And.Not.Contain("wgp_notatoken"));
    }

    [Test]
    public async Task FormsWithoutTheAntiforgeryTokenAreRefused()
    {
        using var client = _fleet.Aggregator.Client(cookies: new CookieContainer());
        var response = await client.PostAsync("/dashboard/sign-in", new FormUrlEncodedContent([new("token", _fleet.Admin)]));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Form refused"));

        var (admin, _) = await _fleet.SignInAsync(_fleet.Admin);
        using (admin)
        {
            var labels = await admin.PostAsync($"/dashboard/hosts/{_fleet.AgentIds["gpu-serve-01"]}/labels", new FormUrlEncodedContent([new("labels", "evil")]));
            Assert.That(labels.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }
        Assert.That(await _fleet.Aggregator.Store.HostLabelsAsync(), Does.Not.ContainKey(_fleet.AgentIds["gpu-serve-01"]));
    }

    [TestCase("https://evil.example/")]
    [TestCase("//evil.example/dashboard")]
    [TestCase("/dashboard\\..\\evil")]
    [TestCase("/dashboardevil")]
    public async Task SignInNeverRedirectsOffTheDashboard(string returnUrl)
    {
        using var client = _fleet.Aggregator.Client(cookies: new CookieContainer());
        var form = await DashboardFleet.FormAsync(client, "/dashboard/sign-in", ("token", _fleet.Viewer), ("returnUrl", returnUrl));
        var response = await client.PostAsync("/dashboard/sign-in", form);
        Assert.That(response.Headers.Location!.ToString(), Is.EqualTo("/dashboard"));
    }

    [TestCase("/dashboard")]
    [TestCase("/dashboard/sign-in")]
    [TestCase("/dashboard/controls/WG-TPM-001")]
    [TestCase("/dashboard/export")]
    public async Task EveryPageCarriesTheContentSecurityPolicyAndNoScript(string path)
    {
        var (client, _) = await _fleet.SignInAsync(_fleet.Admin);
        using (client)
        {
            var response = await client.GetAsync(path);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Is.EqualTo(HtmlPage.ContentSecurityPolicy));
            Assert.That(response.Headers.GetValues("X-Frame-Options").Single(), Is.EqualTo("DENY"));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Not.Contain("<script").IgnoreCase.And.Not.Contain("style=\""));
        }
    }

    [TestCase("/dashboard/export")]
    [TestCase("/dashboard/waivers")]
    public async Task ViewerGetsAForbiddenPageNotAStackTrace(string path)
    {
        var (client, _) = await _fleet.SignInAsync(_fleet.Viewer);
        using (client)
        {
            var response = await client.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(body, Does.Contain("<h1>Not allowed</h1>").And.Not.Contain("Exception").And.Not.Contain(" at "));
            Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Is.EqualTo(HtmlPage.ContentSecurityPolicy));
        }
    }

    [Test]
    public async Task ViewerCannotChangeLabelsOrBaselinesEvenWithAValidForm()
    {
        var (client, _) = await _fleet.SignInAsync(_fleet.Viewer);
        using (client)
        {
            var agent = _fleet.AgentIds["gpu-serve-01"];
            var form = await DashboardFleet.FormAsync(client, "/dashboard", ("labels", "owned"));
            Assert.That((await client.PostAsync($"/dashboard/hosts/{agent}/labels", form)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }
        Assert.That(await _fleet.Aggregator.Store.HostLabelsAsync(), Does.Not.ContainKey(_fleet.AgentIds["gpu-serve-01"]));
    }

    [Test]
    public async Task HostileHostNamesAndLabelsAreEscaped()
    {
        // A hostile name cannot be enrolled (RFC 1123), so it comes in the report's evidence and is shown as the name mismatch.
        const string hostile = "<script>alert(1)</script>\"'&";
        var hostileAgent = await _fleet.ReportAsync("gpu-hostile-01", "rand-sl1", _fleet.Aggregator.Clock.GetUtcNow(), reports: 0);
        await hostileAgent.ReportAsync(DashboardFleet.Report(hostile, "rand-sl1", _fleet.Aggregator.Clock.GetUtcNow()));
        var (client, _) = await _fleet.SignInAsync(_fleet.Admin);
        using (client)
        {
            var agent = hostileAgent.AgentId!;
            var form = await DashboardFleet.FormAsync(client, $"/dashboard/hosts/{agent}", ("labels", "<b>bold</b>, \"quoted\""));
            Assert.That((await client.PostAsync($"/dashboard/hosts/{agent}/labels", form)).StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
            foreach (var page in new[] { "/dashboard", $"/dashboard/hosts/{agent}", "/dashboard?label=%3Cb%3Ebold%3C%2Fb%3E" })
            {
                var html = await client.GetStringAsync(page);
                Assert.That(html, Does.Not.Contain("<script>").And.Not.Contain("<b>bold"), page);
                Assert.That(html, Does.Contain("&lt;script&gt;alert(1)&lt;/script&gt;"), page);
            }
        }
    }

    [TestCase("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u", TestName = "Too many labels")]
    [TestCase("bell\u0007", TestName = "A control character in a label")]
    public async Task HostileLabelsAreRefused(string labels)
    {
        var (client, _) = await _fleet.SignInAsync(_fleet.Admin);
        using (client)
        {
            var agent = _fleet.AgentIds["gpu-train-01"];
            var form = await DashboardFleet.FormAsync(client, $"/dashboard/hosts/{agent}", ("labels", labels));
            var response = await client.PostAsync($"/dashboard/hosts/{agent}/labels", form);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Labels refused"));
        }
        Assert.That((await _fleet.Aggregator.Store.HostLabelsAsync())[_fleet.AgentIds["gpu-train-01"]], Is.EqualTo(new[] { "training" }));
    }

    [Test]
    public async Task UnknownHostAndControlAreNotFoundPages()
    {
        var (client, _) = await _fleet.SignInAsync(_fleet.Viewer);
        using (client)
        {
            var host = await client.GetAsync("/dashboard/hosts/no-such-agent");
            var control = await client.GetAsync("/dashboard/controls/WG-NOPE-999");
            Assert.That(host.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(control.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(await control.Content.ReadAsStringAsync(), Does.Contain("no control WG-NOPE-999"));
        }
    }

    [Test]
    public async Task FiltersNarrowTheHostTable()
    {
        var (client, _) = await _fleet.SignInAsync(_fleet.Viewer);
        using (client)
        {
            var training = await client.GetStringAsync("/dashboard?label=training");
            Assert.That(training, Does.Contain("gpu-train-01").And.Contain("gpu-train-02").And.Not.Contain("gpu-serve-01"));
            var today = _fleet.Aggregator.Clock.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            Assert.That(training, Does.Contain($"<strong>rand-sl1</strong>: 0 of 2 compliant on {today}"), "the trend counts the hosts the filters admit");
            Assert.That(training, Does.Contain("Filters: label training."));
            var eu = await client.GetStringAsync("/dashboard?profile=rand-sl1&label=eu");
            Assert.That(eu, Does.Contain("gpu-train-02").And.Not.Contain("gpu-train-01").And.Not.Contain("gpu-serve-01"));
            var scanned = await client.GetStringAsync("/dashboard?profile=rand-sl2");
            Assert.That(scanned, Does.Contain("0 of ").And.Not.Contain(">gpu-train-02</a>"), "filtered by the profile judged against, not the one scanned");
            var silent = await client.GetStringAsync("/dashboard?status=no-report");
            Assert.That(silent, Does.Contain("gpu-test-01").And.Not.Contain("gpu-train-01"));
        }
    }

    [Test]
    public async Task SignOutEndsTheSession()
    {
        var (client, _) = await _fleet.SignInAsync(_fleet.Viewer);
        using (client)
        {
            var response = await client.PostAsync("/dashboard/sign-out", await DashboardFleet.FormAsync(client, "/dashboard"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That((await client.GetAsync("/dashboard")).StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        }
    }

    [Test]
    public async Task TheSiteRootLeadsToTheDashboardAndTheIconIsServed()
    {
        using var client = _fleet.Aggregator.Client(cookies: new CookieContainer());
        var root = await client.GetAsync("/");
        Assert.That(root.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(root.Headers.Location!.ToString(), Is.EqualTo("/dashboard"));
        var icon = await client.GetAsync("/favicon.ico");
        Assert.That(icon.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(icon.Content.Headers.ContentType!.MediaType, Is.EqualTo("image/svg+xml"));
        Assert.That(await icon.Content.ReadAsStringAsync(), Does.StartWith("<svg"));
        Assert.That(await client.GetStringAsync("/dashboard/sign-in"), Does.Contain("<link rel=\"icon\" href=\"/favicon.ico\""));
    }

    [Test]
    public async Task EveryPrintedPageCarriesThePrintDate()
    {
        var (client, _) = await _fleet.SignInAsync(_fleet.Viewer);
        using (client)
        {
            Assert.That(await client.GetStringAsync("/dashboard"), Does.Contain("<link rel=\"stylesheet\" href=\"/dashboard/print.css\" media=\"print\">"));
            var print = await client.GetAsync("/dashboard/print.css");
            Assert.That(print.Headers.CacheControl!.NoStore, "the time of printing is never a cached one");
            var stamp = $"printed {_fleet.Aggregator.Clock.GetUtcNow():yyyy-MM-dd HH:mm} UTC";
            Assert.That(await print.Content.ReadAsStringAsync(), Does.Contain("@bottom-left").And.Contain(stamp).And.Contain("counter(pages)"));
        }
    }

    [Test]
    public async Task ARecentReportOpensItsOwnPage()
    {
        var (client, _) = await _fleet.SignInAsync(_fleet.Viewer);
        using (client)
        {
            var agent = _fleet.AgentIds["gpu-train-01"];
            var host = await client.GetStringAsync($"/dashboard/hosts/{agent}");
            var link = System.Text.RegularExpressions.Regex.Match(host, "href=\"(/dashboard/reports/[0-9a-f-]{36})\"");
            Assert.That(link.Success, "the recent reports link to their pages");
            var page = await client.GetStringAsync(link.Groups[1].Value);
            var reportId = link.Groups[1].Value[^36..];
            Assert.That(page, Does.Contain($"<code>{reportId}</code>").And.Contain($"href=\"/dashboard/hosts/{agent}\">gpu-train-01</a>"));
            Assert.That(page, Does.Contain("<td>rand-sl1").And.Contain("<span class=\"state failing\">failing</span>"), "the verdict per profile");
            Assert.That(page, Does.Contain("absent: the host enrolled without a TPM"));
            var unknown = await client.GetAsync($"/dashboard/reports/{Guid.NewGuid()}");
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That((await client.GetAsync("/dashboard/reports/not-a-guid")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }
    }

    [Test]
    public async Task AdminRevokesAHostOnlyAfterConfirmingAndTheOverviewCountsItRevoked()
    {
        var doomed = await _fleet.ReportAsync("gpu-retired-01", "rand-sl1", _fleet.Aggregator.Clock.GetUtcNow());
        var agent = doomed.AgentId!;
        var (viewer, _) = await _fleet.SignInAsync(_fleet.Viewer);
        using (viewer)
        {
            Assert.That(await viewer.GetStringAsync($"/dashboard/hosts/{agent}"), Does.Not.Contain("Revoke this host"));
            var form = await DashboardFleet.FormAsync(viewer, "/dashboard", ("confirmed", "yes"));
            Assert.That((await viewer.PostAsync($"/dashboard/hosts/{agent}/revoke", form)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }
        var (admin, _) = await _fleet.SignInAsync(_fleet.Admin);
        using (admin)
        {
            Assert.That(await admin.GetStringAsync($"/dashboard/hosts/{agent}"), Does.Contain($"href=\"/dashboard/hosts/{agent}/revoke\">Revoke this host"));
            var confirm = await admin.GetStringAsync($"/dashboard/hosts/{agent}/revoke");
            Assert.That(confirm, Does.Contain("<h1>Revoke gpu-retired-01?</h1>").And.Contain("name=\"confirmed\" value=\"yes\""));

            var unconfirmed = await admin.PostAsync($"/dashboard/hosts/{agent}/revoke", await DashboardFleet.FormAsync(admin, "/dashboard"));
            Assert.That(await unconfirmed.Content.ReadAsStringAsync(), Does.Contain("<h1>Revoke gpu-retired-01?</h1>"), "a post without the confirmation asks again");
            Assert.That((await _fleet.Aggregator.Store.GetAgentAsync(agent))!.RevokedAt, Is.Null);
            var forged = await admin.PostAsync($"/dashboard/hosts/{agent}/revoke", new FormUrlEncodedContent([new("confirmed", "yes")]));
            Assert.That(forged.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "no antiforgery token, no revocation");
            Assert.That((await _fleet.Aggregator.Store.GetAgentAsync(agent))!.RevokedAt, Is.Null);

            var confirmed = await admin.PostAsync($"/dashboard/hosts/{agent}/revoke",
                await DashboardFleet.FormAsync(admin, $"/dashboard/hosts/{agent}/revoke", ("confirmed", "yes")));
            Assert.That(confirmed.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That((await _fleet.Aggregator.Store.GetAgentAsync(agent))!.RevokedAt, Is.Not.Null);
            var audit = (await _fleet.Aggregator.Store.AuditBeforeAsync(long.MaxValue, 10)).First(e => e.Action == Audit.AuditActions.AgentRevoked);
            Assert.That(audit.Target, Is.EqualTo(agent));
            Assert.That(audit.Actor, Does.StartWith("adam admin"));

            var host = await admin.GetStringAsync($"/dashboard/hosts/{agent}");
            Assert.That(host, Does.Contain("<span class=\"state revoked\">revoked</span>").And.Not.Contain("Revoke this host"));
            Assert.That((await admin.GetAsync($"/dashboard/hosts/{agent}/revoke")).StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            var overview = await admin.GetStringAsync("/dashboard");
            Assert.That(System.Text.RegularExpressions.Regex.Match(overview, "hosts shown: [^.]*").Value, Does.Contain("1 revoked"));
            Assert.That(await admin.GetStringAsync("/dashboard?status=revoked"), Does.Contain(">gpu-retired-01</a>"));
            Assert.That(await admin.GetStringAsync("/dashboard?status=no-report"), Does.Not.Contain(">gpu-retired-01</a>"));
        }
        var silent = await _fleet.ReportAsync("gpu-never-01", "rand-sl1", _fleet.Aggregator.Clock.GetUtcNow(), reports: 0);
        await _fleet.Aggregator.Store.RevokeAgentAsync(silent.AgentId!, _fleet.Aggregator.Clock.GetUtcNow());
        var (reader, _) = await _fleet.SignInAsync(_fleet.Viewer);
        using (reader)
        {
            Assert.That(await reader.GetStringAsync("/dashboard?status=revoked"), Does.Contain(">gpu-never-01</a>"), "revoked before its first report: revoked");
            Assert.That(await reader.GetStringAsync("/dashboard?status=no-report"), Does.Not.Contain(">gpu-never-01</a>"));
        }
        var refused = await doomed.SubmitAsync(doomed.Quote(DashboardFleet.Report("gpu-retired-01", "rand-sl1", _fleet.Aggregator.Clock.GetUtcNow()), null));
        Assert.That((int)refused.StatusCode, Is.EqualTo(401).Or.EqualTo(403), "a revoked host can no longer report");
    }
}
