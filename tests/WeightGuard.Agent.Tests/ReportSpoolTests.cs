using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using WeightGuard.Agent.Files;
using WeightGuard.Agent.Spool;
using WeightGuard.Core.Protocol;

namespace WeightGuard.Agent.Tests;

public sealed class ReportSpoolTests
{
    private static readonly DateTimeOffset Day1 = new(2026, 11, 20, 8, 0, 0, TimeSpan.Zero);

    private TempDirectory _dir = null!;

    [SetUp]
    public void SetUp() => _dir = new TempDirectory();

    [TearDown]
    public void TearDown() => _dir.Dispose();

    /// <summary>A minimal report document: what the spool checks is its id and its evidence object.</summary>
    private static byte[] Report(Guid id, int padding = 0) =>
        Encoding.UTF8.GetBytes($$$"""{"reportId":"{{{id}}}","evidence":{"pad":"{{{new string('x', padding)}}}"}}""");

    private static Guid Add(ReportSpool spool, DateTimeOffset at, List<SpoolLoss>? losses = null, int padding = 0)
    {
        var id = Guid.NewGuid();
        var dropped = spool.Add(id, at, Report(id, padding));
        losses?.AddRange(dropped);
        return id;
    }

    [Test]
    public void Reports_come_out_in_scan_order_whatever_order_they_went_in()
    {
        var spool = new ReportSpool(_dir.Path, SpoolLimits.Default);
        var third = Add(spool, Day1.AddHours(2));
        var first = Add(spool, Day1);
        var second = Add(spool, Day1.AddHours(1));
        Assert.That(spool.Pending().Select(p => p.ReportId), Is.EqualTo(new[] { first, second, third }));
        Assert.That(spool.Read(spool.Pending()[0]), Is.EqualTo(Report(first)));
    }

    [Test]
    public void A_half_written_temporary_file_is_ignored_and_cleaned_up()
    {
        var spool = new ReportSpool(_dir.Path, SpoolLimits.Default);
        var kept = Add(spool, Day1);
        var torn = Path.Combine(_dir.Path, AtomicFile.TempPrefix + "20261120T090000000Z-" + Guid.NewGuid().ToString("N") + ".json-abc");
        File.WriteAllText(torn, "{\"reportId\":\"");
        Assert.That(spool.Pending().Select(p => p.ReportId), Is.EqualTo(new[] { kept }), "never read as a report");
        var problems = new ReportSpool(_dir.Path, SpoolLimits.Default).Recover();
        Assert.Multiple(() =>
        {
            Assert.That(problems, Is.Empty, "a torn write is not a lost report: the report was never committed");
            Assert.That(File.Exists(torn), Is.False);
            Assert.That(spool.Pending().Select(p => p.ReportId), Is.EqualTo(new[] { kept }));
        });
    }

    [Test]
    public void Files_that_are_not_spooled_reports_are_moved_aside_and_reported()
    {
        var spool = new ReportSpool(_dir.Path, SpoolLimits.Default);
        File.WriteAllText(Path.Combine(_dir.Path, "notes.txt"), "hello");
        var problems = spool.Recover();
        Assert.Multiple(() =>
        {
            Assert.That(problems.Single().Reason, Does.Contain("notes.txt is not a spooled report"));
            Assert.That(File.Exists(Path.Combine(spool.CorruptDirectory, "notes.txt")), Is.True);
        });
    }

    [TestCase("", TestName = "empty file")]
    [TestCase("{\"reportId\":\"", TestName = "truncated JSON")]
    [TestCase("[1,2,3]", TestName = "not an object")]
    [TestCase("{\"reportId\":\"00000000-0000-0000-0000-000000000000\",\"evidence\":{}}", TestName = "id does not match the name")]
    [TestCase("{\"reportId\":\"ID\"}", TestName = "no evidence")]
    public void A_corrupted_spool_file_is_reported_moved_aside_and_delivery_goes_on(string content)
    {
        var spool = new ReportSpool(_dir.Path, SpoolLimits.Default);
        var bad = Add(spool, Day1);
        var good = Add(spool, Day1.AddHours(1));
        var badEntry = spool.Pending()[0];
        File.WriteAllText(badEntry.Path, content.Replace("ID", bad.ToString()));

        var delivered = new List<byte[]>();
        var pass = new SpoolDispatcher(spool, (json, _) =>
        {
            delivered.Add(json);
            return Task.FromResult(new SubmissionResult(good, false, "absent", null!));
        }, NullLogger.Instance).DeliverPending(CancellationToken.None).GetAwaiter().GetResult();

        Assert.Multiple(() =>
        {
            Assert.That(pass.Losses.Single().ReportId, Is.EqualTo(bad));
            Assert.That(pass.Losses.Single().Reason, Does.Contain(Path.GetFileName(badEntry.Path)).And.Contain("moved to"));
            Assert.That(delivered, Is.EqualTo(new[] { Report(good) }));
            Assert.That(File.Exists(Path.Combine(spool.CorruptDirectory, Path.GetFileName(badEntry.Path))), Is.True);
            Assert.That(spool.Pending(), Is.Empty);
        });
    }

    [Test]
    public void An_oversized_spool_file_is_refused_without_being_parsed()
    {
        var spool = new ReportSpool(_dir.Path, SpoolLimits.Default);
        var id = Add(spool, Day1);
        var entry = spool.Pending()[0];
        using (var stream = File.OpenWrite(entry.Path)) stream.SetLength(AgentProtocol.MaxSubmissionBytes + 1);
        var e = Assert.Throws<SpoolCorruptException>(() => spool.Read(spool.Pending()[0]));
        Assert.That(e!.Message, Does.Contain("over the submission limit"));
        Assert.That(spool.Pending().Select(p => p.ReportId), Does.Not.Contain(id));
    }

    [Test]
    public void When_full_older_days_are_compacted_to_their_newest_report_and_every_drop_is_returned()
    {
        var spool = new ReportSpool(_dir.Path, new SpoolLimits(MaxReports: 3, MaxBytes: 1L << 30));
        var losses = new List<SpoolLoss>();
        var d1a = Add(spool, Day1, losses);
        var d1b = Add(spool, Day1.AddHours(1), losses);
        var d1c = Add(spool, Day1.AddHours(2), losses);
        Assert.That(losses, Is.Empty);
        var d2a = Add(spool, Day1.AddDays(1), losses);
        var d2b = Add(spool, Day1.AddDays(1).AddHours(1), losses);
        Assert.Multiple(() =>
        {
            Assert.That(spool.Pending().Select(p => p.ReportId), Is.EqualTo(new[] { d1c, d2a, d2b }));
            Assert.That(losses.Select(l => l.ReportId), Is.EqualTo(new Guid?[] { d1a, d1b }));
            Assert.That(losses.Select(l => l.Reason), Is.All.EqualTo("spool full: compacted to the newest report of 2026-11-20"));
        });
    }

    [Test]
    public void When_every_day_holds_one_report_the_oldest_go_first()
    {
        var spool = new ReportSpool(_dir.Path, new SpoolLimits(MaxReports: 2, MaxBytes: 1L << 30));
        var losses = new List<SpoolLoss>();
        var first = Add(spool, Day1, losses);
        var second = Add(spool, Day1.AddDays(1), losses);
        var third = Add(spool, Day1.AddDays(2), losses);
        Assert.Multiple(() =>
        {
            Assert.That(spool.Pending().Select(p => p.ReportId), Is.EqualTo(new[] { second, third }));
            Assert.That(losses.Single().ReportId, Is.EqualTo(first));
            Assert.That(losses.Single().Reason, Is.EqualTo("spool full: dropped the oldest report"));
        });
    }

    [Test]
    public void The_byte_bound_holds_too_and_the_newest_report_is_always_kept()
    {
        var spool = new ReportSpool(_dir.Path, new SpoolLimits(MaxReports: 100, MaxBytes: 3000));
        var losses = new List<SpoolLoss>();
        Add(spool, Day1, losses, padding: 1000);
        Add(spool, Day1.AddDays(1), losses, padding: 1000);
        var big = Add(spool, Day1.AddDays(2), losses, padding: 5000);
        Assert.Multiple(() =>
        {
            Assert.That(spool.Pending().Select(p => p.ReportId), Is.EqualTo(new[] { big }));
            Assert.That(losses, Has.Count.EqualTo(2));
        });
    }
}
