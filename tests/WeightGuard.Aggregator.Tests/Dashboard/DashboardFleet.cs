using System.Net;
using System.Text.RegularExpressions;
using WeightGuard.Aggregator.Api;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Evidence;
using WeightGuard.Core.Reports;

namespace WeightGuard.Aggregator.Tests.Dashboard;

/// <summary>
/// A real aggregator with a small fleet seeded through the agent protocol: a host with a TPM (attested reports), hosts
/// without one against two profiles, a host that never reported, labels, and a token per role.
/// </summary>
internal sealed partial class DashboardFleet : IAsyncDisposable
{
    public const string MachineId = "0123456789abcdef";
    private readonly List<IDisposable> _owned = [];

    private DashboardFleet(TestAggregator aggregator) => Aggregator = aggregator;

    public TestAggregator Aggregator { get; }
    public Dictionary<string, string> AgentIds { get; } = new(StringComparer.Ordinal);
    public string Viewer { get; private set; } = null!;
    public string Auditor { get; private set; } = null!;
    public string Admin { get; private set; } = null!;

    /// <summary>
    /// Starts the aggregator (on SQLite unless <paramref name="database"/> names another location) and seeds the fleet; with
    /// <paramref name="tpm"/> one host reports through the run's swtpm.
    /// </summary>
    public static async Task<DashboardFleet> StartAsync(bool tpm, Func<string, string>? database = null)
    {
        var fleet = new DashboardFleet(await TestAggregator.StartAsync(tpm ? WeightGuard.Testing.Swtpm.Shared.CaDirectory : null, database: database));
        var now = fleet.Aggregator.Clock.GetUtcNow();
        if (tpm)
        {
            var identity = new SwtpmIdentity();
            fleet._owned.Add(identity);
            await fleet.ReportAsync("gpu-tpm-01", "rand-sl1", now, identity, reports: 2);
        }
        await fleet.ReportAsync("gpu-train-01", "rand-sl1", now);
        await fleet.ReportAsync("gpu-train-02", "rand-sl2", now);
        await fleet.ReportAsync("gpu-serve-01", "rand-sl2", now);
        var silent = new TestAgent(fleet.Aggregator);
        fleet._owned.Add(silent);
        await silent.EnrollAsync(await fleet.Aggregator.EnrollmentTokenAsync());
        fleet.AgentIds["gpu-test-01"] = silent.AgentId!;

        await fleet.Aggregator.Store.SetHostLabelsAsync(fleet.AgentIds["gpu-train-01"], ["training"]);
        await fleet.Aggregator.Store.SetHostLabelsAsync(fleet.AgentIds["gpu-train-02"], ["training", "eu"]);
        var store = fleet.Aggregator.Store;
        fleet.Viewer = await ApiTokens.CreateAsync(store, "vera viewer", Roles.Viewer, now);
        fleet.Auditor = await ApiTokens.CreateAsync(store, "audrey auditor", Roles.Auditor, now);
        fleet.Admin = await ApiTokens.CreateAsync(store, "adam admin", Roles.Admin, now);
        return fleet;
    }

    /// <summary>Enrols an agent for <paramref name="hostname"/> and submits <paramref name="reports"/> reports against <paramref name="profile"/>.</summary>
    public async Task<TestAgent> ReportAsync(string hostname, string profile, DateTimeOffset now, SwtpmIdentity? tpm = null, int reports = 1)
    {
        var agent = new TestAgent(Aggregator, tpm, hostname);
        _owned.Add(agent);
        await agent.EnrollAsync(await Aggregator.EnrollmentTokenAsync());
        AgentIds[hostname] = agent.AgentId!;
        for (var i = 0; i < reports; i++) await agent.ReportAsync(Report(hostname, profile, now));
        return agent;
    }

    /// <summary>A report from a host without a TPM (so the TPM controls fail), judged against <paramref name="profile"/>.</summary>
    public static Report Report(string hostname, string profile, DateTimeOffset now)
    {
        var host = new HostIdentity { Hostname = hostname, MachineId = MachineId, Os = "Debian GNU/Linux 12", Kernel = "6.1.0", Arch = "x64", Platform = "linux" };
        var evidence = new Core.Evidence.Evidence { Host = host, Tpm = new TpmEvidence { Present = false, Source = "none" } };
        var catalog = TestReports.Catalog;
        var evaluation = Evaluator.Evaluate(catalog, profile, evidence, now);
        return new Report
        {
            ReportId = Guid.NewGuid(), Host = host, Agent = new AgentInfo("0.1.0"), StartedAt = now, FinishedAt = now,
            Profile = new ProfileInfo(profile, catalog.Resolve(profile).Definition.Title, catalog.Resolve(profile).Digest), Evidence = evidence,
            Results = evaluation.Results, Summary = evaluation.Summary,
        };
    }

    /// <summary>Signs in over HTTP as a browser would (antiforgery cookie and field, then the session cookie) and returns the client.</summary>
    public Task<(HttpClient Client, CookieContainer Cookies)> SignInAsync(string token) => SignInAsync(Aggregator, token);

    /// <summary>Signs in to <paramref name="aggregator"/>'s dashboard over HTTP as a browser would and returns the client.</summary>
    public static async Task<(HttpClient Client, CookieContainer Cookies)> SignInAsync(TestAggregator aggregator, string token)
    {
        var cookies = new CookieContainer();
        var client = aggregator.Client(cookies: cookies);
        var response = await client.PostAsync("/dashboard/sign-in", await FormAsync(client, "/dashboard/sign-in", ("token", token)));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await response.Content.ReadAsStringAsync());
        return (client, cookies);
    }

    /// <summary>A form posted from the page at <paramref name="page"/>: its antiforgery field and the given fields.</summary>
    public static async Task<FormUrlEncodedContent> FormAsync(HttpClient client, string page, params (string Name, string Value)[] fields)
    {
        var html = await client.GetStringAsync(page);
        var token = AntiforgeryField().Match(html);
        Assert.That(token.Success, $"no antiforgery field on {page}");
        return new FormUrlEncodedContent([new("_csrf", WebUtility.HtmlDecode(token.Groups[1].Value)), .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))]);
    }

    [GeneratedRegex("name=\"_csrf\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned) owned.Dispose();
        await Aggregator.DisposeAsync();
    }
}
