using Microsoft.Extensions.Logging;
using WeightGuard.Agent.Config;
using WeightGuard.Agent.Enrollment;
using WeightGuard.Agent.Files;
using WeightGuard.Agent.Service;
using WeightGuard.Tpm.Transport;

namespace WeightGuard.Agent.Tests;

/// <summary>
/// D8: enrolment made the state directory 0755 and the spool, spooled reports, status and log readable by every local
/// user. Now everything in the state is 0700/0600 from creation, and a loosened state is repaired, and logged, at start.
/// </summary>
[NonParallelizable]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StatePermissionsTests
{
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    /// <summary>Every path under <paramref name="root"/> whose mode is not owner-only, with its mode.</summary>
    private static List<string> Loose(string root) =>
        new[] { root }.Concat(Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
            .Select(p => (Path: p, Mode: File.GetUnixFileMode(p), Wanted: Directory.Exists(p) ? StatePermissions.Directory : StatePermissions.File))
            .Where(e => e.Mode != e.Wanted).Select(e => $"{e.Path} {e.Mode}").ToList();

    [Test]
    public async Task EnrolmentMakesAnOwnerOnlyStateWhateverItsParent()
    {
        var pki = new TestPki();
        await using var server = await FakeAggregator.Start(pki);
        var state = _temp["var/lib/weightguard"];
        await Enroller.Enroll(new EnrollmentOptions(server.Url, server.NewToken().ToString(), TpmSelector.Parse("none"), state, "gpu-test-01", null),
            CancellationToken.None);
        pki.Dispose();
        Assert.That(File.Exists(new IdentityFiles(state).Settings));
        Assert.That(Loose(state), Is.Empty);
    }

    [Test]
    public void StartingTheAgentRepairsALoosenedStateAndSaysSo()
    {
        var state = _temp["state"];
        var spool = Path.Combine(state, "spool");
        Directory.CreateDirectory(spool);
        var report = Path.Combine(spool, "20260101T000000000Z-0123456789abcdef0123456789abcdef.json");
        File.WriteAllText(report, "{}");
        File.WriteAllText(Path.Combine(state, "status.json"), "{}");
        const UnixFileMode open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead |
                                  UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        foreach (var directory in new[] { state, spool }) File.SetUnixFileMode(directory, open);
        foreach (var file in new[] { report, Path.Combine(state, "status.json") })
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Assert.That(Loose(state), Has.Count.EqualTo(4));

        var log = new ListLogger();
        _ = new AgentCycle(new AgentConfig { State = state, Root = _temp.Path }, TestReports.RepositoryCatalog, "0.1.0", log);

        Assert.That(Loose(state), Is.Empty);
        Assert.That(log.Warnings.Count(w => w.Contains("Repaired the permissions", StringComparison.Ordinal)), Is.EqualTo(4), string.Join('\n', log.Warnings));
        Assert.That(log.Warnings, Has.Some.Contains($"{report}: 0644 → 0600"));
        log.Warnings.Clear();
        _ = new AgentCycle(new AgentConfig { State = state, Root = _temp.Path }, TestReports.RepositoryCatalog, "0.1.0", log);
        Assert.That(log.Warnings, Is.Empty, "nothing to repair the second time");
    }

    [Test]
    public void SpooledReportsAreWrittenOwnerOnly()
    {
        var state = _temp["state"];
        var cycle = new AgentCycle(new AgentConfig { State = state, Root = _temp.Path }, TestReports.RepositoryCatalog, "0.1.0", new ListLogger());
        var (report, json) = TestReports.ScanJson();
        cycle.Spool.Add(report.ReportId, report.FinishedAt, json);
        Assert.That(Directory.GetFiles(cycle.Spool.Directory), Has.Length.EqualTo(1));
        Assert.That(Loose(state), Is.Empty);
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Warnings { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning) Warnings.Add(formatter(state, exception));
        }
    }
}
