using WeightGuard.Collectors.Tpm;
using WeightGuard.Testing;
using WeightGuard.Tpm.EventLog;
using WeightGuard.Tpm.Transport;

namespace WeightGuard.Collectors.Tests;

/// <summary>The TPM collector against a real swtpm whose PCRs tpm2_pcrextend brings to what a real event log records.</summary>
[NonParallelizable]
public class TpmCollectorTests
{
    private static string Log(string name) => Path.Combine(RepoPaths.SharedTestData, "tpm-eventlogs", name);

    [OneTimeTearDown]
    public void StopSimulator() => Swtpm.StopShared();

    [Test]
    public void LogThatTheLivePcrsConfirmMatchesAndOtherwiseEveryDifferenceIsNamed()
    {
        var swtpm = Swtpm.Shared;
        ExternalTool.Require("tpm2_pcrextend");
        using var tree = new HostTree();
        tree.Write(TpmCollector.EventLogPath, File.ReadAllBytes(Log("event-uefivar.bin")));
        var selector = TpmSelector.Parse(swtpm.Selector);

        var before = new TpmCollector(tree.HostRoot, selector).Collect();
        Assert.That(before.Present);
        Assert.That(before.Manufacturer, Is.EqualTo("IBM"));
        Assert.That(before.EkCertificates.Select(c => c.NvIndex), Is.EquivalentTo(new[] { "0x01C00002", "0x01C00016" }));
        Assert.That(before.EventLog!.MatchesPcrs, Is.False);
        Assert.That(before.EventLog.Mismatches, Has.Count.EqualTo(2).And.Some.StartsWith("sha256:7 is 0000"));

        // Extend PCR 7 with the log's own digests, as the firmware did on the machine the log came from.
        var e = TcgEventLogParser.Parse(File.ReadAllBytes(Log("event-uefivar.bin"))).Events.Single(ev => ev.PcrIndex == 7);
        var digests = string.Join(',', e.Digests.Select(d => $"{WeightGuard.Tpm.TpmHash.Describe(d.Algorithm)}={Convert.ToHexStringLower(d.Digest)}"));
        var extend = ExternalTool.Run("tpm2_pcrextend", [$"7:{digests}"], env: swtpm.TctiEnvironment);
        Assert.That(extend.ExitCode, Is.Zero, extend.Stderr);

        var after = new TpmCollector(tree.HostRoot, selector).Collect();
        Assert.That(after.EventLog!.MatchesPcrs, Is.True, string.Join("; ", after.EventLog.Mismatches));
        Assert.That(after.EventLog.SecureBoot, Is.True);
    }

    [Test]
    public void NoTpmAndABrokenLogAreFactsNotExceptions()
    {
        using var tree = new HostTree();
        tree.Write(TpmCollector.EventLogPath, File.ReadAllBytes(Log("event.bin"))[..100]);
        var evidence = new TpmCollector(tree.HostRoot, new TpmSelector(TpmSelectorKind.None)).Collect();
        Assert.That(evidence.Present, Is.False);
        Assert.That(evidence.Source, Is.EqualTo("none"));
        Assert.That(evidence.EventLog!.Error, Does.StartWith("offset 91: "));

        var unreachable = new TpmCollector(tree.HostRoot, TpmSelector.Parse("swtpm:127.0.0.1:1")).Collect();
        Assert.That(unreachable.Present, Is.False);
        Assert.That(unreachable.Error, Does.StartWith("cannot connect to the TPM simulator"));
    }

    [Test]
    public void ForgedSecureBootDataIsAFactNotASecureBootState()
    {
        // The SecureBoot event's value flipped, its digests untouched: the data no longer matches what PCR 7 recorded.
        var bytes = File.ReadAllBytes(Log("event-uefivar.bin"));
        var log = TcgEventLogParser.Parse(bytes);
        var e = log.Events.Single(ev => ev.PcrIndex == 7);
        var end = e.Number + 1 < log.Events.Count ? (int)log.Events[e.Number + 1].Offset : bytes.Length;
        bytes[end - 1] ^= 1;
        using var tree = new HostTree();
        tree.Write(TpmCollector.EventLogPath, bytes);

        var evidence = new TpmCollector(tree.HostRoot, new TpmSelector(TpmSelectorKind.None)).Collect();
        Assert.That(evidence.EventLog!.SecureBoot, Is.Null);
        Assert.That(evidence.EventLog.DigestMismatches, Has.Count.EqualTo(1));
        Assert.That(evidence.EventLog.DigestMismatches[0], Does.StartWith($"event {e.Number} (EV_EFI_VARIABLE_DRIVER_CONFIG, PCR 7): the "));
    }
}
