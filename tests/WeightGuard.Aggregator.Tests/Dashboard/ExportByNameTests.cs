using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using WeightGuard.Aggregator.Audit;
using WeightGuard.Aggregator.Export;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Evidence;

namespace WeightGuard.Aggregator.Tests.Dashboard;

/// <summary>
/// Exports chosen as people name hosts (enrolled names, globs, labels, profiles, agent ids), the export page's trust
/// anchor and its list of past exports, and a host the aggregator flagged for its name, on a real aggregator on SQLite
/// and on PostgreSQL.
/// </summary>
[TestFixture("sqlite")]
[TestFixture("postgres")]
[NonParallelizable]
public sealed class ExportByNameTests(string database)
{
    private DashboardFleet _fleet = null!;
    private TestAgent? _renamed;

    [OneTimeSetUp]
    public async Task StartFleet()
    {
        Func<string, string>? location = database == "postgres" ? _ => "postgres:" + PostgresServer.Shared.CreateDatabase() : null;
        _fleet = await DashboardFleet.StartAsync(tpm: false, database: location);
        // Enrolled as gpu-renamed-01, its agent still reports the old name: stored, judged under the enrolled name, flagged.
        var renamed = _renamed = new TestAgent(_fleet.Aggregator, hostname: "gpu-renamed-01");
        await renamed.EnrollAsync(await _fleet.Aggregator.EnrollmentTokenAsync());
        _fleet.AgentIds["gpu-renamed-01"] = renamed.AgentId!;
        await renamed.ReportAsync(DashboardFleet.Report("gpu-old-name-01", "rand-sl1", _fleet.Aggregator.Clock.GetUtcNow()));
    }

    [OneTimeTearDown]
    public async Task StopFleet()
    {
        _renamed?.Dispose();
        if (_fleet is not null) await _fleet.DisposeAsync();
    }

    private async Task<BundleVerification> ExportAsync(params string[] hosts)
    {
        using var bundle = new MemoryStream();
        await _fleet.Aggregator.Services.GetRequiredService<EvidenceExport>().WriteAsync(new ExportRequest(hosts, null, "test"), bundle, CancellationToken.None);
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(_fleet.Aggregator.Data.CaCertificate));
        bundle.Position = 0;
        return EvidenceBundleVerifier.Verify(bundle, ca);
    }

    private static IEnumerable<string?> Names(BundleVerification verification) => verification.Hosts.Select(h => h.Name).Order();

    [TestCase(new[] { "gpu-train-*" }, new[] { "gpu-train-01", "gpu-train-02" })]
    [TestCase(new[] { "GPU-Serve-01" }, new[] { "gpu-serve-01" })]
    [TestCase(new[] { "label=eu" }, new[] { "gpu-train-02" })]
    [TestCase(new[] { "label=training", "gpu-serve-0?" }, new[] { "gpu-serve-01", "gpu-train-01", "gpu-train-02" })]
    public async Task HostsAreChosenByNameGlobAndLabel(string[] terms, string[] expected)
    {
        var verification = await ExportAsync(terms);
        Assert.That(verification.Verified, string.Join("\n", verification.Problems));
        Assert.That(Names(verification), Is.EqualTo(expected));
    }

    [Test]
    public async Task AProfileChoosesTheHostsJudgedAgainstIt()
    {
        var hosts = await _fleet.Aggregator.Store.ListHostsAsync(new HostQuery());
        var profile = hosts.Hosts.SelectMany(h => h.Assessments).First().Profile;
        var expected = hosts.Hosts.Where(h => h.Assessments.Any(a => a.Profile == profile)).Select(h => h.Hostname).Order();

        var verification = await ExportAsync($"profile={profile}", _fleet.AgentIds["gpu-test-01"]);
        Assert.That(verification.Verified, string.Join("\n", verification.Problems));
        Assert.That(Names(verification), Is.EqualTo(expected.Append("gpu-test-01").Order()), "and an agent id adds its host");
    }

    [Test]
    public void ATermThatChoosesNothingIsRefusedByName()
    {
        var export = _fleet.Aggregator.Services.GetRequiredService<EvidenceExport>();
        var e = Assert.ThrowsAsync<ArgumentException>(() => export.WriteAsync(new ExportRequest(["gpu-train-01", "gpu-nope-*", "label=mars"], null, "test"), Stream.Null, CancellationToken.None));
        Assert.That(e!.Message, Is.EqualTo("no enrolled host, agent id, label or profile matches 'gpu-nope-*', 'label=mars'"));
    }

    [Test]
    public async Task AHostFlaggedForItsNameIsAFlagNotAProblem()
    {
        var verification = await ExportAsync("gpu-renamed-01");

        Assert.That(verification.Verified, string.Join("\n", verification.Problems));
        Assert.That(verification.Flags.Single().Kind, Is.EqualTo(BundleFlag.NameMismatch));
        Assert.That(verification.Flags.Single().Detail, Does.StartWith("the report names the host 'gpu-old-name-01', enrolled as 'gpu-renamed-01'"));
    }

    [Test]
    public async Task TheExportPageOffersTheCaWithItsFingerprintAndListsPastExports()
    {
        var (client, _) = await _fleet.SignInAsync(_fleet.Auditor);
        using (client)
        {
            var pem = await client.GetStringAsync("/dashboard/export/ca.crt");
            Assert.That(pem, Is.EqualTo(File.ReadAllText(_fleet.Aggregator.Data.CaCertificate)));
            using var ca = X509Certificate2.CreateFromPem(pem);
            var page = await client.GetStringAsync("/dashboard/export");
            Assert.That(page, Does.Contain(ManifestSignature.Fingerprint(ca)));
            Assert.That(page, Does.Contain("href=\"/dashboard/export/ca.crt\""));

            var response = await client.PostAsync("/dashboard/export", await DashboardFleet.FormAsync(client, "/dashboard/export", ("hosts", "gpu-train-01")));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            var manifest = response.Headers.GetValues("X-WeightGuard-Manifest-Sha256").Single();

            var after = await client.GetStringAsync("/dashboard/export");
            Assert.That(after, Does.Contain(manifest));
            Assert.That(after, Does.Contain("1 host(s), 1 report(s); hosts gpu-train-01"));
            Assert.That(after, Does.Contain("audrey auditor"));
            var rows = await _fleet.Aggregator.Store.AuditOfActionAsync(AuditActions.ExportMade, 5);
            Assert.That(rows[0].Target, Is.EqualTo(manifest));
        }
    }

    [Test]
    public async Task ARefusedNameKeepsWhatWasTyped()
    {
        var (client, _) = await _fleet.SignInAsync(_fleet.Auditor);
        using (client)
        {
            var response = await client.PostAsync("/dashboard/export", await DashboardFleet.FormAsync(client, "/dashboard/export", ("hosts", "gpu-nope-01")));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            var page = await response.Content.ReadAsStringAsync();
            Assert.That(page, Does.Contain("no enrolled host, agent id, label or profile matches &#x27;gpu-nope-01&#x27;").Or.Contain("matches 'gpu-nope-01'"));
            Assert.That(page, Does.Contain("value=\"gpu-nope-01\""));
        }
    }
}
