using System.Net;
using Npgsql;
using WeightGuard.Aggregator.Api;
using WeightGuard.Aggregator.Dashboard;
using WeightGuard.Aggregator.Enrollment;
using WeightGuard.Aggregator.Hosting;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Aggregator.Tests.Dashboard;
using WeightGuard.Core.Protocol;
using WeightGuard.Testing;

namespace WeightGuard.Aggregator.Tests.ScaleOut;

/// <summary>
/// Two real <c>weightguard-aggregator serve</c> processes on one PostgreSQL database, each with its own copy of the data
/// directory's CA and keys (as an operator distributes them): an agent enrols and takes its nonce through one and
/// delivers its quoted report through the other; a dashboard session opened on one holds on the other and after both
/// restart; the report is stored once.
/// </summary>
[NonParallelizable]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class TwoInstanceTests
{
    private string _directory = null!;
    private string _connectionString = null!;
    private SqlStore _store = null!;
    private ServeProcess _a = null!;
    private ServeProcess _b = null!;

    [SetUp]
    public async Task StartTwoInstances()
    {
        _connectionString = PostgresServer.Shared.CreateDatabase();
        _directory = Directory.CreateTempSubdirectory("weightguard-scale-out-").FullName;
        var first = new DataDirectory(Path.Combine(_directory, "a"));
        first.Initialize("postgres:" + _connectionString, [], DateTimeOffset.UtcNow);
        foreach (var ca in Directory.GetFiles(Swtpm.Shared.CaDirectory)) File.Copy(ca, Path.Combine(first.TpmCaDirectory, Path.GetFileName(ca)));
        var second = CopyDataDirectory(first.Path, Path.Combine(_directory, "b"));
        _store = DatabaseLocation.Open("postgres:" + _connectionString);
        await _store.MigrateAsync();
        _a = new ServeProcess("instance-a", first.Path);
        _b = new ServeProcess("instance-b", second);
        await Task.WhenAll(_a.StartAsync(), _b.StartAsync());
    }

    [TearDown]
    public async Task Stop()
    {
        await StopAndReportAsync(_a);
        await StopAndReportAsync(_b);
        _a.Dispose();
        _b.Dispose();
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task StopAndReportAsync(ServeProcess serve)
    {
        await serve.StopAsync();
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
            await TestContext.Out.WriteLineAsync($"--- {serve.Name} ---\n{serve.Output}");
    }

    [Test]
    public async Task AgentEnrolsThroughOneAndReportsThroughTheOtherWhileSessionsHoldAcrossInstancesAndRestarts()
    {
        var now = DateTimeOffset.UtcNow;
        using var caCertificate = new DataDirectory(Path.Combine(_directory, "a")).LoadCaCertificate();
        var enrolment = await EnrollmentTokens.CreateAsync(_store, caCertificate.RawData, TimeSpan.FromHours(1), 1, now);
        var admin = await ApiTokens.CreateAsync(_store, "fleet admin", Roles.Admin, now);

        // Enrolment (TPM credential activation included) and the nonce through A; the report through B.
        using var tpm = new SwtpmIdentity();
        using var agent = new TestAgent(certificate => _a.Client(certificate), tpm, "gpu-scale-01");
        await agent.EnrollAsync(enrolment.ToString());
        var nonce = await agent.NonceAsync();
        using var throughB = _b.Client(agent.Certificate);
        var report = TestReports.Create("gpu-scale-01", now);
        using var delivered = await agent.SubmitAsync(report, nonce.Nonce, throughB);
        Assert.That(delivered.Headers.GetValues(InstanceName.Header).Single(), Is.EqualTo(_b.Name), "answered by B");
        var result = await TestAgent.Read(delivered, ProtocolJsonContext.Default.SubmissionResult);
        Assert.That(result.Attestation, Is.EqualTo("verified"), "B verified the quote over A's nonce");
        Assert.That(result.Duplicate, Is.False);

        // The nonce was spent on B: A refuses it for another report; the same report again through A is a duplicate.
        using var replay = await agent.SubmitAsync(TestReports.Create("gpu-scale-01", now), nonce.Nonce, agent.Client);
        await ProblemAssert.IsProblemAsync(replay, HttpStatusCode.Forbidden, "nonce");
        var again = await TestAgent.Read(await agent.SubmitAsync(report, (await agent.NonceAsync()).Nonce, agent.Client),
            ProtocolJsonContext.Default.SubmissionResult);
        Assert.That(again.Duplicate, Is.True, "A knows the report B stored");
        Assert.That(await CountAsync("SELECT COUNT(*) FROM reports WHERE report_id = @id", report.ReportId.ToString()), Is.EqualTo(1),
            "stored exactly once");

        // A dashboard session opened on A (with B's sign-in form and antiforgery token) is valid on B.
        var cookies = new CookieContainer();
        using var browserOnA = _a.Client(cookies: cookies);
        using var browserOnB = _b.Client(cookies: cookies);
        var signIn = await browserOnA.PostAsync(DashboardPaths.SignIn, await DashboardFleet.FormAsync(browserOnB, DashboardPaths.SignIn, ("token", admin)));
        Assert.That(signIn.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await signIn.Content.ReadAsStringAsync());
        await AssertSignedInAsync(browserOnB, _b, agent.AgentId!);

        // Both restart: everyone stays signed in, on either instance.
        await Task.WhenAll(_a.StopAsync(), _b.StopAsync());
        await Task.WhenAll(_a.StartAsync(), _b.StartAsync());
        await AssertSignedInAsync(browserOnA, _a, agent.AgentId!);
        await AssertSignedInAsync(browserOnB, _b, agent.AgentId!);
        Assert.That(await CountAsync("SELECT COUNT(*) FROM data_protection_keys", null), Is.EqualTo(1), "one key ring entry, made once, for every instance");
        Assert.That(_a.Output, Does.Contain("instance " + _a.Name), "the instance names itself in its log");
    }

    private static async Task AssertSignedInAsync(HttpClient browser, ServeProcess instance, string agentId)
    {
        using var page = await browser.GetAsync(DashboardPaths.Host(agentId));
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{instance.Name}: {page.Headers.Location}");
        Assert.That(page.Headers.GetValues(InstanceName.Header).Single(), Is.EqualTo(instance.Name));
        Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("gpu-scale-01"));
    }

    private async Task<long> CountAsync(string sql, string? id)
    {
        await using var db = new NpgsqlConnection(_connectionString);
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, db);
        if (id is not null) cmd.Parameters.AddWithValue("id", id);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A copy of a data directory's files, modes kept (keys stay 0600), as an operator gives each instance the same CA and keys.</summary>
    private static string CopyDataDirectory(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories).Prepend(from))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, dir));
            Directory.CreateDirectory(target);
            File.SetUnixFileMode(target, File.GetUnixFileMode(dir));
        }
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        return to;
    }
}
