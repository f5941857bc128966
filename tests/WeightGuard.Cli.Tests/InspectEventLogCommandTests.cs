using WeightGuard.Testing;

namespace WeightGuard.Cli.Tests;

public class InspectEventLogCommandTests
{
    private static string LogDir => Path.Combine(RepoPaths.SharedTestData, "tpm-eventlogs");

    public static IEnumerable<string> SharedLogs() =>
        Directory.GetFiles(Path.Combine(RepoPaths.SharedTestData, "tpm-eventlogs"), "*.bin.yaml").Select(f => Path.GetFileName(f)[..^5]).Order();

    [TestCaseSource(nameof(SharedLogs))]
    public void PrintsThePcrsTpm2EventLogPublished(string name)
    {
        var (code, stdout, stderr) = CliRunner.Run("inspect", "eventlog", Path.Combine(LogDir, name));
        Assert.That(code, Is.Zero, stderr);
        var json = CliRunner.Json(stdout);
        var printed = json.GetProperty("pcrs").EnumerateObject()
            .SelectMany(bank => bank.Value.EnumerateObject().Select(p => $"{bank.Name} {p.Name} {p.Value.GetString()}")).ToList();

        var published = new List<string>();
        string? bank = null;
        var inPcrs = false;
        foreach (var line in File.ReadLines(Path.Combine(LogDir, name + ".yaml")))
        {
            if (line == "pcrs:") { inPcrs = true; continue; }
            if (!inPcrs) continue;
            if (line.StartsWith("    ")) published.Add($"{bank} {line.Split(':')[0].Trim()} {line.Split(':')[1].Trim()[2..]}");
            else bank = line.Trim().TrimEnd(':');
        }
        Assert.That(printed, Is.EquivalentTo(published));
        Assert.That(json.GetProperty("events").GetArrayLength(), Is.EqualTo(json.GetProperty("eventCount").GetInt32()));
    }

    [Test]
    public void DescribesSecureBootVariables()
    {
        var (code, stdout, _) = CliRunner.Run("inspect", "eventlog", Path.Combine(LogDir, "event-uefivar.bin"));
        Assert.That(code, Is.Zero);
        var ev = CliRunner.Json(stdout).GetProperty("events")[1];
        Assert.That(ev.GetProperty("type").GetString(), Is.EqualTo("EV_EFI_VARIABLE_DRIVER_CONFIG"));
        Assert.That(ev.GetProperty("description").GetString(), Does.StartWith("SecureBoot = "));
    }

    [Test]
    public void TruncatedLogExitsTwoWithFileAndOffset()
    {
        var path = Path.Combine(Path.GetTempPath(), $"weightguard-truncated-{Guid.NewGuid():N}.bin");
        File.WriteAllBytes(path, File.ReadAllBytes(Path.Combine(LogDir, "event.bin"))[..100]);
        try
        {
            var (code, stdout, stderr) = CliRunner.Run("inspect", "eventlog", path);
            Assert.That(code, Is.EqualTo(2));
            Assert.That(stdout, Is.Empty);
            Assert.That(stderr.Trim(), Does.Match($"^{System.Text.RegularExpressions.Regex.Escape(path)}: offset \\d+: .*the log ends inside the event at offset 77$"));
        }
        finally { File.Delete(path); }
    }

    [Test]
    public void MissingFileExitsTwo()
    {
        var (code, _, stderr) = CliRunner.Run("inspect", "eventlog", "/nonexistent/log.bin");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.StartWith("/nonexistent/log.bin: cannot read"));
    }
}
