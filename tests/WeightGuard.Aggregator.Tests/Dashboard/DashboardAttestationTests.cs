using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WeightGuard.Aggregator.Audit;
using WeightGuard.Aggregator.Judgement;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Protocol;
using WeightGuard.Testing;

namespace WeightGuard.Aggregator.Tests.Dashboard;

/// <summary>
/// The attestation panel, drift on the overview and the confirmed re-baseline over real TLS, for a host attesting through
/// swtpm. The simulator's PCRs are whatever this run left in them, so the drift is made by storing two more verified
/// reports of the host whose quotes carry chosen values (PCR 3 never measured, PCR 7 moved), as a host whose Secure Boot
/// policy changed would send.
/// </summary>
[NonParallelizable]
public sealed class DashboardAttestationTests
{
    private static readonly string Zero = new('0', 64);
    private DashboardFleet _fleet = null!;
    private string _agent = null!;
    private Guid _baseline;
    private Guid _drifted;

    [SetUp]
    public async Task StartFleetWithDrift()
    {
        ExternalTool.Require("swtpm");
        _fleet = await DashboardFleet.StartAsync(tpm: true);
        _agent = _fleet.AgentIds["gpu-tpm-01"];
        var store = _fleet.Aggregator.Store;
        var now = _fleet.Aggregator.Clock.GetUtcNow();
        _baseline = await AddQuotedReportAsync(now.AddMinutes(1), secureBootPolicy: 'a');
        _drifted = await AddQuotedReportAsync(now.AddMinutes(2), secureBootPolicy: 'b');
        Assert.That(await store.SetPcrBaselineAsync(_agent, _baseline, "test setup", now), Is.True);
        await _fleet.Aggregator.Services.GetRequiredService<FleetJudge>().RejudgeAsync(new HashSet<string>([_agent]), CancellationToken.None);
    }

    [TearDown]
    public async Task StopFleet() => await _fleet.DisposeAsync();

    /// <summary>Stores a copy of the host's latest verified report whose quote carries chosen sha256 PCRs 0–7: 3 unmeasured, 7 <paramref name="secureBootPolicy"/>.</summary>
    private async Task<Guid> AddQuotedReportAsync(DateTimeOffset at, char secureBootPolicy)
    {
        var store = _fleet.Aggregator.Store;
        var latest = (await store.ReportBodiesAsync(_agent, null)).Last();
        var quote = JsonSerializer.Deserialize(latest.AttestationJson!, ProtocolJsonContext.Default.QuoteAttestation)!;
        var pcrs = Enumerable.Range(0, 8).ToDictionary(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture), i => i switch
        {
            3 => Zero,
            7 => new string(secureBootPolicy, 64),
            _ => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes($"pcr {i}"))),
        });
        var chosen = quote with { Pcrs = new Dictionary<string, IReadOnlyDictionary<string, string>> { ["sha256"] = pcrs } };
        var id = Guid.NewGuid();
        await store.AddReportAsync(new StoredReport(id, _agent, "gpu-tpm-01", at, latest.ProfileId, "verified", latest.Judgement with { JudgedAt = at }, "SL0",
            latest.ReportJson, StoredReports.JudgementOf(id, "SL0", [])) { AttestationJson = JsonSerializer.Serialize(chosen, ProtocolJsonContext.Default.QuoteAttestation) });
        return id;
    }

    [Test]
    public async Task DriftIsNamedOnTheHostAndTheOverviewAndZerosAreNotSame()
    {
        var (client, _) = await _fleet.SignInAsync(_fleet.Viewer);
        using (client)
        {
            var host = await client.GetStringAsync($"/dashboard/hosts/{_agent}");
            Assert.That(host, Does.Contain("<span class=\"state untrusted\">untrusted</span> — its PCRs changed since the baseline"));
            var panel = host[host.IndexOf("<h2 id=\"pcr\">", StringComparison.Ordinal)..];
            var values = panel.IndexOf("<details>", StringComparison.Ordinal);
            Assert.That(panel[..values], Does.Contain("1 PCR(s) changed since:").And.Contain("<strong>sha256:7</strong> Secure Boot policy"));
            Assert.That(panel[..values], Does.Contain("sha256:3 hold no measurement"), "the warning is not hidden behind the disclosure");
            Assert.That(panel, Does.Contain("<tr class=\"not-measured\"><td>sha256:3</td><td>Option ROM configuration and data</td><td>not measured</td>"));
            Assert.That(panel, Does.Contain("<tr class=\"same\"><td>sha256:0</td><td>Firmware code"));
            Assert.That(panel, Does.Contain($"<code>{new string('b', 64)}</code></td><td><code>{new string('a', 64)}</code>"), "latest, then the baseline's value");

            var overview = await client.GetStringAsync("/dashboard");
            Assert.That(overview, Does.Contain($"<strong>PCR drift:</strong> the boot chain of <a href=\"/dashboard/hosts/{_agent}#pcr\">gpu-tpm-01</a> changed"));
            Assert.That(overview, Does.Contain("<span class=\"flag\">PCR drift</span>"));

            var report = await client.GetStringAsync($"/dashboard/reports/{_drifted}");
            Assert.That(report, Does.Contain("verified: the TPM quote").And.Contain("<strong>sha256:7</strong> Secure Boot policy"),
                "a report's page shows its own quote against the baseline");
            Assert.That(report, Does.Not.Contain("/baseline?"), "re-baselining is offered on the host page only");
        }
    }

    [Test]
    public async Task RebaseliningShowsTheDiffAsksForConfirmationAndIsAudited()
    {
        var (viewer, _) = await _fleet.SignInAsync(_fleet.Viewer);
        using (viewer)
        {
            Assert.That(await viewer.GetStringAsync($"/dashboard/hosts/{_agent}"), Does.Not.Contain("/baseline?"));
            Assert.That((await viewer.GetAsync($"/dashboard/hosts/{_agent}/baseline?reportId={_drifted}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }
        var (admin, _) = await _fleet.SignInAsync(_fleet.Admin);
        using (admin)
        {
            var host = await admin.GetStringAsync($"/dashboard/hosts/{_agent}");
            var ask = $"/dashboard/hosts/{_agent}/baseline?reportId={_drifted}";
            Assert.That(host, Does.Contain($"href=\"{ask}\">Make this quote the baseline…</a>"));
            var confirm = await admin.GetStringAsync(ask);
            Assert.That(confirm, Does.Contain("<h1>Make a new PCR baseline for gpu-tpm-01?</h1>").And.Contain("1 PCR(s) differ"));
            Assert.That(confirm, Does.Contain("<td>sha256:7</td><td>Secure Boot policy").And.Not.Contain("<td>sha256:0</td>"), "the diff, only what differs");

            var unconfirmed = await admin.PostAsync($"/dashboard/hosts/{_agent}/baseline",
                await DashboardFleet.FormAsync(admin, ask, ("reportId", _drifted.ToString())));
            Assert.That(unconfirmed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await unconfirmed.Content.ReadAsStringAsync(), Does.Contain("Make a new PCR baseline"), "a post without the confirmation asks again");
            Assert.That((await _fleet.Aggregator.Store.GetPcrBaselineAsync(_agent))!.ReportId, Is.EqualTo(_baseline));

            var foreign = await admin.PostAsync($"/dashboard/hosts/{_agent}/baseline",
                await DashboardFleet.FormAsync(admin, ask, ("reportId", Guid.NewGuid().ToString()), ("confirmed", "yes")));
            Assert.That(foreign.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "only a verified report of this host");

            var confirmed = await admin.PostAsync($"/dashboard/hosts/{_agent}/baseline",
                await DashboardFleet.FormAsync(admin, ask, ("reportId", _drifted.ToString()), ("confirmed", "yes")));
            Assert.That(confirmed.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That((await _fleet.Aggregator.Store.GetPcrBaselineAsync(_agent))!.ReportId, Is.EqualTo(_drifted));
            var audit = (await _fleet.Aggregator.Store.AuditBeforeAsync(long.MaxValue, 10)).First(e => e.Action == AuditActions.BaselineChanged);
            Assert.That(audit.Target, Is.EqualTo(_agent));
            Assert.That(audit.Details, Is.EqualTo($"report {_drifted} (was report {_baseline}); PCRs changed: sha256:7"));
            Assert.That(audit.Actor, Does.StartWith("adam admin"));

            var after = await admin.GetStringAsync($"/dashboard/hosts/{_agent}");
            Assert.That(after, Does.Contain("No PCR has changed since.").And.Contain("chosen by adam admin").And.Not.Contain("state untrusted"));
        }
    }
}
