using System.Net;
using WeightGuard.Aggregator.Waivers;

namespace WeightGuard.Aggregator.Tests.Dashboard;

/// <summary>The waivers page over real TLS: admins add and delete stored waivers with antiforgery forms; bad input and other roles are refused.</summary>
[NonParallelizable]
public sealed class DashboardWaiverTests
{
    private DashboardFleet _fleet = null!;

    [SetUp]
    public async Task StartFleet() => _fleet = await DashboardFleet.StartAsync(tpm: false);

    [TearDown]
    public async Task StopFleet() => await _fleet.DisposeAsync();

    private string Day(int fromToday) => _fleet.Aggregator.Clock.GetUtcNow().AddDays(fromToday).ToString("yyyy-MM-dd");

    private static (string, string)[] Fields(string control = "WG-TPM-001", string hosts = "gpu-train-*", string justification = "lab rack has no TPM",
        string? expires = null) => [("controlId", control), ("hosts", hosts), ("justification", justification), ("expires", expires ?? "")];

    [Test]
    public async Task AdminAddsAWaiverThatJudgesTheNextReportAndDeletesIt()
    {
        var (client, _) = await _fleet.SignInAsync(_fleet.Admin);
        using (client)
        {
            var form = await DashboardFleet.FormAsync(client, "/dashboard/waivers", Fields(justification: "<b>lab</b> rack", expires: Day(30)));
            var added = await client.PostAsync("/dashboard/waivers", form);
            Assert.That(added.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await added.Content.ReadAsStringAsync());
            var waiver = (await _fleet.Aggregator.Store.ListWaiversAsync()).Single();
            Assert.That(waiver.Approver, Is.EqualTo("adam admin"));

            var page = await client.GetStringAsync("/dashboard/waivers");
            Assert.That(page, Does.Contain("1 stored waiver(s)").And.Contain("catalogue waiver(s), read-only"));
            Assert.That(page, Does.Contain("&lt;b&gt;lab&lt;/b&gt; rack").And.Not.Contain("<b>lab"));

            await _fleet.ReportAsync("gpu-train-03", "rand-sl1", _fleet.Aggregator.Clock.GetUtcNow());
            var host = await client.GetStringAsync($"/dashboard/hosts/{_fleet.AgentIds["gpu-train-03"]}");
            Assert.That(host, Does.Contain("<span class=\"status waived\">waived</span>"), "the host page re-judges with the stored waiver");

            var delete = await DashboardFleet.FormAsync(client, "/dashboard/waivers");
            Assert.That((await client.PostAsync($"/dashboard/waivers/{waiver.WaiverId}/delete", delete)).StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That((await _fleet.Aggregator.Store.ListWaiversAsync()).Single().WithdrawnAt, Is.Not.Null,
                "withdrawn, not erased");
            Assert.That(await client.GetStringAsync($"/dashboard/hosts/{_fleet.AgentIds["gpu-train-03"]}"),
                Does.Not.Contain("<span class=\"status waived\">waived</span>"), "withdrawing it re-judges at once");
            var again = await DashboardFleet.FormAsync(client, "/dashboard/waivers");
            Assert.That((await client.PostAsync($"/dashboard/waivers/{waiver.WaiverId}/delete", again)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }
    }

    [TestCase("WG-NOPE-999", "gpu-*", "why", 30, "not in this aggregator", TestName = "An unknown control")]
    [TestCase("WG-TPM-001", "gpu-*", "why", 0, "after today", TestName = "An expiry that is not in the future")]
    [TestCase("WG-TPM-001", "gpu-*", "  ", 30, "justification", TestName = "An empty justification")]
    [TestCase("WG-TPM-001", "", "why", 30, "hosts", TestName = "An empty host glob")]
    public async Task BadWaiversAreRefusedWithTheFormAgain(string control, string hosts, string justification, int expiresInDays, string error)
    {
        var (client, _) = await _fleet.SignInAsync(_fleet.Admin);
        using (client)
        {
            var form = await DashboardFleet.FormAsync(client, "/dashboard/waivers", Fields(control, hosts, justification, Day(expiresInDays)));
            var response = await client.PostAsync("/dashboard/waivers", form);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            var page = await response.Content.ReadAsStringAsync();
            Assert.That(page, Does.Contain(error).And.Contain("Add the waiver"));
            Assert.Multiple(() =>
            {
                Assert.That(page, Does.Contain($"name=\"hosts\" required maxlength=\"{WaiverRequest.MaxHostsLength}\" value=\"{hosts}\""), "the host glob typed is kept");
                Assert.That(page, Does.Contain($">{justification}</textarea>"), "the justification typed is kept");
                Assert.That(page, Does.Contain($"value=\"{Day(expiresInDays)}\""), "the last valid day typed is kept");
                if (control == "WG-TPM-001") Assert.That(page, Does.Contain("<option value=\"WG-TPM-001\" selected>WG-TPM-001: "), "the control chosen, with its title");
            });
        }
        Assert.That(await _fleet.Aggregator.Store.ListWaiversAsync(), Is.Empty);
    }

    [Test]
    public async Task OversizedAndMalformedFieldsAreRefused()
    {
        var (client, _) = await _fleet.SignInAsync(_fleet.Admin);
        using (client)
        {
            foreach (var fields in new[]
                     {
                         Fields(hosts: new string('h', WaiverRequest.MaxHostsLength + 1), expires: Day(30)),
                         Fields(justification: new string('j', WaiverRequest.MaxJustificationLength + 1), expires: Day(30)),
                         Fields(expires: "next tuesday"),
                     })
            {
                var response = await client.PostAsync("/dashboard/waivers", await DashboardFleet.FormAsync(client, "/dashboard/waivers", fields));
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
                if (fields[3].Item2 == "next tuesday")
                    Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("expires (the last valid day) must be a date as YYYY-MM-DD")
                        .And.Contain("Expires: last valid day"), "the error and the label use the same words");
            }
        }
        Assert.That(await _fleet.Aggregator.Store.ListWaiversAsync(), Is.Empty);
    }

    [Test]
    public async Task FormsWithoutTheAntiforgeryTokenAreRefused()
    {
        var (client, _) = await _fleet.SignInAsync(_fleet.Admin);
        using (client)
        {
            var forged = new FormUrlEncodedContent(Fields(expires: Day(30)).Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)));
            Assert.That((await client.PostAsync("/dashboard/waivers", forged)).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }
        Assert.That(await _fleet.Aggregator.Store.ListWaiversAsync(), Is.Empty);
    }

    [Test]
    public async Task ViewerAndAuditorCannotAddOrDeleteEvenWithAValidForm()
    {
        var existing = new Storage.StoredWaiver(Guid.NewGuid(), "WG-TPM-001", "*", "kept", "adam admin", DateOnly.FromDateTime(DateTime.UtcNow).AddDays(9),
            _fleet.Aggregator.Clock.GetUtcNow());
        await _fleet.Aggregator.Store.AddWaiverAsync(existing);
        foreach (var token in new[] { _fleet.Viewer, _fleet.Auditor })
        {
            var (client, _) = await _fleet.SignInAsync(token);
            using (client)
            {
                var add = await DashboardFleet.FormAsync(client, "/dashboard", Fields(expires: Day(30)));
                Assert.That((await client.PostAsync("/dashboard/waivers", add)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
                var delete = await DashboardFleet.FormAsync(client, "/dashboard");
                Assert.That((await client.PostAsync($"/dashboard/waivers/{existing.WaiverId}/delete", delete)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            }
        }
        Assert.That((await _fleet.Aggregator.Store.ListWaiversAsync()).Select(w => w.WaiverId), Is.EqualTo(new[] { existing.WaiverId }));
    }
}
