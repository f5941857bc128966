using Moq;
using WeightGuard.Collectors.Gpu;
using WeightGuard.Collectors.Weights.Hashing;

namespace WeightGuard.Collectors.Tests.Weights;

public class GpuBusyGateTests
{
    /// <summary>A clock that moves only when told to.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => _ticks;
        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    private sealed class Lines : IProgress<string>
    {
        public List<string> All { get; } = [];
        public void Report(string value) => All.Add(value);
    }

    [Test]
    public void WhileAGpuIsBusyHashingWaitsForTheNextPollUntilItIsIdle()
    {
        var gpus = new Mock<IGpuUtilization>();
        gpus.SetupSequence(g => g.Read()).Returns([null, 95]).Returns([90, null]).Returns([10, 3]);
        var clock = new ManualClock();
        var waits = new List<TimeSpan>();
        var lines = new Lines();
        var gate = new GpuBusyGate(gpus.Object, 80, lines, clock, (interval, _) => { waits.Add(interval); clock.Advance(interval); }, TimeSpan.FromSeconds(5));
        gate.WaitWhileBusy();
        Assert.That(waits, Is.EqualTo(new[] { TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5) }));
        Assert.That(lines.All, Is.EqualTo(new[] { "hashing paused: GPU 1 at 95% (above 80%)", "hashing paused: GPU 0 at 90% (above 80%)" }));
        Assert.That(gate.Pauses, Is.EqualTo(2));
        gpus.Verify(g => g.Read(), Times.Exactly(3));
    }

    [Test]
    public void AnIdleAnswerHoldsForOnePollInterval()
    {
        var gpus = new Mock<IGpuUtilization>();
        gpus.Setup(g => g.Read()).Returns([80]);
        var clock = new ManualClock();
        var gate = new GpuBusyGate(gpus.Object, 80, clock: clock, wait: (_, _) => Assert.Fail("at the threshold is not busy"), pollInterval: TimeSpan.FromSeconds(2));
        gate.WaitWhileBusy();
        clock.Advance(TimeSpan.FromSeconds(1));
        gate.WaitWhileBusy();
        gpus.Verify(g => g.Read(), Times.Once);
        clock.Advance(TimeSpan.FromSeconds(1));
        gate.WaitWhileBusy();
        gpus.Verify(g => g.Read(), Times.Exactly(2));
    }

    [Test]
    public void AnUnreadableUtilisationNeverPausesAndIsNotAskedAgain()
    {
        var gpus = new Mock<IGpuUtilization>();
        gpus.Setup(g => g.Read()).Throws(new IOException("nvidia-smi: no answer within 30 s"));
        var clock = new ManualClock();
        var lines = new Lines();
        var gate = new GpuBusyGate(gpus.Object, 80, lines, clock, (_, _) => Assert.Fail("must not wait"));
        gate.WaitWhileBusy();
        clock.Advance(TimeSpan.FromMinutes(1));
        gate.WaitWhileBusy();
        gpus.Verify(g => g.Read(), Times.Once);
        Assert.That(lines.All.Single(), Does.Contain("nvidia-smi: no answer within 30 s").And.Contain("does not pause"));
    }

    [Test]
    public void CancellingWhilePausedStopsTheWait()
    {
        var gpus = new Mock<IGpuUtilization>();
        gpus.Setup(g => g.Read()).Returns([100]);
        using var cancel = new CancellationTokenSource();
        var gate = new GpuBusyGate(gpus.Object, 80, clock: new ManualClock(), wait: (_, _) => cancel.Cancel());
        Assert.Throws<OperationCanceledException>(() => gate.WaitWhileBusy(cancel.Token));
    }

    [Test]
    public void HashingStartsReadingOnlyOnceTheGpuIsIdle()
    {
        using var tree = new HostTree();
        tree.Write("/m/w.gguf", HostTree.Gguf());
        var gpus = new Mock<IGpuUtilization>();
        gpus.SetupSequence(g => g.Read()).Returns([99]).Returns([0]);
        var cache = DigestCache.Empty;
        var digestsWhilePaused = -1;
        var gate = new GpuBusyGate(gpus.Object, 80, clock: new ManualClock(), wait: (_, _) => digestsWhilePaused = cache.ToSave().Count);
        var run = new WeightHasher(cache, gate, 2).Hash([new HashTarget("/m/w.gguf", tree.Local("/m/w.gguf"), 12)]);
        Assert.That((digestsWhilePaused, gate.Pauses, run.FilesRead), Is.EqualTo((0, 1, 1)));
    }

    [TestCase(-1)]
    [TestCase(101)]
    public void AThresholdOutsideZeroToHundredIsRefused(int percent) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new GpuBusyGate(null, percent));

    [Test]
    public void NvidiaSmiUtilisationIsReadFromItsCsv()
    {
        using var tree = new HostTree();
        tree.File("/rec/utilization.csv", "97\n[N/A]\n4\n").File("/rec/utilization.csv.rc", "exit=0\n");
        var utilisation = new NvidiaSmiGpuUtilization(new RecordedNvidiaSmi(tree.Local("/rec")));
        Assert.That(utilisation.Read(), Is.EqualTo(new int?[] { 97, null, 4 }));
    }

    [TestCase("97, 3\n", "2 fields")]
    [TestCase("busy\n", "utilisation 'busy' is not a percentage")]
    [TestCase("250\n", "utilisation '250' is not a percentage")]
    [TestCase("-5\n", "utilisation '-5' is not a percentage")]
    public void MalformedUtilisationIsAClearError(string csv, string message) =>
        Assert.That(() => NvidiaSmiCsvParser.ParseUtilization(csv), Throws.TypeOf<InvalidDataException>().With.Message.Contain(message));

    [Test]
    public void OversizedUtilisationOutputIsRefusedBeforeParsing() =>
        Assert.That(() => NvidiaSmiCsvParser.ParseUtilization(string.Concat(Enumerable.Repeat("50\n", NvidiaSmiCsvParser.MaxRows + 1))),
            Throws.TypeOf<InvalidDataException>().With.Message.Contain("more than"));

    [Test]
    public void AFailingNvidiaSmiIsAnError()
    {
        using var tree = new HostTree();
        tree.File("/rec/utilization.csv", "NVIDIA-SMI has failed\n").File("/rec/utilization.csv.rc", "exit=9\n");
        Assert.That(() => new NvidiaSmiGpuUtilization(new RecordedNvidiaSmi(tree.Local("/rec"))).Read(),
            Throws.TypeOf<InvalidDataException>().With.Message.Contain("exited 9"));
    }
}
