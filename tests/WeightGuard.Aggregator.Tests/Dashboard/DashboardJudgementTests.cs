using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using WeightGuard.Aggregator.Judgement;

namespace WeightGuard.Aggregator.Tests.Dashboard;

/// <summary>
/// The overview, host page, control page and CSV read the one judgement the API serves, on SQLite and PostgreSQL: after a
/// policy, a waiver and silence past <c>staleAfter</c>, every page shows the API's states and counts.
/// </summary>
[TestFixture("sqlite")]
[TestFixture("postgres")]
[NonParallelizable]
public sealed partial class DashboardJudgementTests(string database)
{
    private DashboardFleet _fleet = null!;
    private HttpClient _api = null!;
    private HttpClient _page = null!;

    [SetUp]
    public async Task StartFleet()
    {
        _fleet = await DashboardFleet.StartAsync(tpm: false, database == "postgres" ? _ => "postgres:" + PostgresServer.Shared.CreateDatabase() : null);
        _api = _fleet.Aggregator.Client(bearer: _fleet.Admin);
        (_page, _) = await _fleet.SignInAsync(_fleet.Viewer);
    }

    [TearDown]
    public async Task StopFleet()
    {
        _page?.Dispose();
        _api?.Dispose();
        if (_fleet is not null) await _fleet.DisposeAsync();
    }

    private async Task<List<JsonElement>> ApiHostsAsync()
    {
        using var document = JsonDocument.Parse(await _api.GetStringAsync("/api/v1/hosts"));
        return document.RootElement.GetProperty("hosts").EnumerateArray().Select(h => h.Clone()).ToList();
    }

    private static IEnumerable<JsonElement> Assessments(JsonElement host, string? profile) =>
        host.GetProperty("assessments").EnumerateArray().Where(a => profile is null || a.GetProperty("profile").GetString() == profile);

    private static string StateShown(JsonElement host, string? profile) =>
        profile is null ? host.GetProperty("state").GetString()! : Assessments(host, profile).Single().GetProperty("state").GetString()!;

    private static string Text(string html) => WebUtility.HtmlDecode(Tags().Replace(html, "")).Trim();

    /// <summary>The cells of the overview's row for <paramref name="agentId"/>, as text.</summary>
    private static List<string> Row(string html, string agentId)
    {
        var row = Regex.Match(html, $"<tr><td><a href=\"{Regex.Escape(HostPath(agentId))}\">.*?</tr>", RegexOptions.Singleline);
        Assert.That(row.Success, $"no row for {agentId}");
        return Cells().Matches(row.Value).Select(m => Text(m.Groups[1].Value)).ToList();
    }

    private static string HostPath(string agentId) => Aggregator.Dashboard.DashboardPaths.Host(agentId);

    /// <summary>Asserts that the overview (under <paramref name="profile"/>), every host page, the control page and the CSV agree with the API.</summary>
    private async Task AssertPagesAgreeWithTheApiAsync(string? profile, string because)
    {
        var hosts = await ApiHostsAsync();
        var shown = hosts.Where(h => profile is null || Assessments(h, profile).Any()).ToList();
        var query = profile is null ? "" : $"?profile={profile}";
        var overview = await _page.GetStringAsync("/dashboard" + query);
        var states = shown.GroupBy(h => StateShown(h, profile)).ToDictionary(g => g.Key, g => g.Count());
        Assert.That(overview, Does.Contain($"{shown.Count} of {hosts.Count} hosts shown: " +
            string.Join(", ", HostState.All.Where(states.ContainsKey).Select(s => $"{states[s]} {s}")) + "."), because);
        foreach (var host in hosts)
        {
            var id = host.GetProperty("agentId").GetString()!;
            if (!shown.Contains(host))
            {
                Assert.That(overview, Does.Not.Contain(HostPath(id) + "\""), $"{because}: the filter hides {id}");
                continue;
            }
            var cells = Row(overview, id);
            var failed = Assessments(host, profile).Sum(a => a.GetProperty("failed").GetInt32());
            var errors = Assessments(host, profile).Sum(a => a.GetProperty("errors").GetInt32());
            var rand = host.GetProperty("rand");
            Assert.Multiple(() =>
            {
                Assert.That(cells[2], Is.EqualTo(StateShown(host, profile)), $"{because}: overview state of {id}");
                Assert.That(cells[6], Is.EqualTo(failed.ToString()), $"{because}: overview failed of {id}");
                Assert.That(cells[7], Is.EqualTo(errors.ToString()), $"{because}: overview errors of {id}");
                Assert.That(cells[4], Is.EqualTo(rand.ValueKind == JsonValueKind.Null ? "" : rand.GetProperty("hostControlsMet").GetString()), because);
            });

            var page = await _page.GetStringAsync(HostPath(id));
            Assert.That(page, Does.Contain($"<dt>State</dt><dd><span class=\"state {host.GetProperty("state").GetString()}\">"), $"{because}: host page of {id}");
            foreach (var a in Assessments(host, null))
                Assert.That(page, Does.Contain($"<strong>{a.GetProperty("profile").GetString()}</strong>: <span class=\"state {a.GetProperty("state").GetString()}\">" +
                    $"{a.GetProperty("state").GetString()}</span>; {a.GetProperty("failed").GetInt32()} failed, {a.GetProperty("errors").GetInt32()} could not be checked, " +
                    $"{a.GetProperty("waived").GetInt32()} waived, {a.GetProperty("attested").GetInt32()} attested"), $"{because}: host page of {id}");
        }

        using var control = JsonDocument.Parse(await _api.GetStringAsync("/api/v1/controls/WG-TPM-001/hosts"));
        var controlPage = await _page.GetStringAsync("/dashboard/controls/WG-TPM-001");
        foreach (var group in control.RootElement.EnumerateArray().GroupBy(v => v.GetProperty("status").GetString()))
            Assert.That(controlPage, Does.Contain($">{group.Key}: {group.Count()}</a>"), $"{because}: control page");
        Assert.That(controlPage, Does.Contain($">all: {control.RootElement.GetArrayLength()}</a>"), because);

        var csv = await _page.GetAsync("/dashboard/hosts.csv" + query);
        Assert.That(csv.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/csv"));
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToList();
        var expected = shown.SelectMany(h => Assessments(h, null).Select(a => (h.GetProperty("agentId").GetString(), h.GetProperty("state").GetString(),
            a.GetProperty("profile").GetString(), a.GetProperty("state").GetString(), a.GetProperty("failed").GetInt32().ToString())))
            .Concat(shown.Where(h => !Assessments(h, null).Any()).Select(h => (h.GetProperty("agentId").GetString(), h.GetProperty("state").GetString(), (string?)"", (string?)"", "")));
        Assert.That(lines.Select(c => ((string?)c[1], (string?)c[3], (string?)c[4], (string?)c[6], c[7])), Is.EquivalentTo(expected), $"{because}: hosts.csv");
    }

    [Test]
    public async Task EveryPageShowsTheApisStatesAndCountsAfterPolicyWaiverAndSilence()
    {
        await AssertPagesAgreeWithTheApiAsync(null, "default policy");

        var policy = await _api.PutAsync("/api/v1/policy",
            new StringContent("staleAfter: 1h\nassignments:\n  - hosts: \"gpu-train-*\"\n    profiles: [rand-sl3]\n  - labels: {eu: \"\"}\n    profiles: [rand-sl2]\n",
                Encoding.UTF8, "application/yaml"));
        Assert.That(policy.StatusCode, Is.EqualTo(HttpStatusCode.OK), await policy.Content.ReadAsStringAsync());
        var hosts = await ApiHostsAsync();
        var train02 = hosts.Single(h => h.GetProperty("name").GetString() == "gpu-train-02");
        Assert.That(Assessments(train02, null).Select(a => a.GetProperty("profile").GetString()), Is.EquivalentTo(new[] { "rand-sl3", "rand-sl2" }),
            "a bare label matches an empty value");
        Assert.That(hosts.Single(h => h.GetProperty("name").GetString() == "gpu-serve-01").GetProperty("unassigned").GetBoolean(), Is.True);
        await AssertPagesAgreeWithTheApiAsync(null, "policy applied");
        await AssertPagesAgreeWithTheApiAsync("rand-sl3", "policy applied, rand-sl3");

        var waiver = await _api.PostAsync("/api/v1/waivers", new StringContent(JsonSerializer.Serialize(new
        {
            controlId = "WG-TPM-001", hosts = "gpu-train-*", justification = "lab rack has no TPM",
            expires = _fleet.Aggregator.Clock.GetUtcNow().AddDays(7).ToString("yyyy-MM-dd"),
        }), Encoding.UTF8, "application/json"));
        Assert.That(waiver.StatusCode, Is.EqualTo(HttpStatusCode.Created), await waiver.Content.ReadAsStringAsync());
        Assert.That(Assessments((await ApiHostsAsync()).Single(h => h.GetProperty("name").GetString() == "gpu-train-01"), "rand-sl3").Single()
            .GetProperty("waived").GetInt32(), Is.EqualTo(1));
        await AssertPagesAgreeWithTheApiAsync(null, "waiver added");
        await AssertPagesAgreeWithTheApiAsync("rand-sl3", "waiver added, rand-sl3");

        _fleet.Aggregator.Clock.Advance(TimeSpan.FromHours(2));
        Assert.That((await ApiHostsAsync()).Where(h => h.GetProperty("latestReport").ValueKind != JsonValueKind.Null).Select(h => h.GetProperty("state").GetString()),
            Is.All.EqualTo("stale"));
        await AssertPagesAgreeWithTheApiAsync(null, "silent past staleAfter");
        await AssertPagesAgreeWithTheApiAsync("rand-sl3", "silent past staleAfter, rand-sl3");
    }

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex("<td>(.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex Cells();
}
