namespace WeightGuard.Cli.Tests;

/// <summary><c>weightguard scan --format csv</c> on a small tree.</summary>
public class ScanCsvFormatTests
{
    [Test]
    public void ScanWritesOneCsvRowPerControlAfterTheHeader()
    {
        var root = Directory.CreateTempSubdirectory("wg-csv-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "etc"));
            File.WriteAllText(Path.Combine(root, "etc/hostname"), "=gpu-csv-01\n");
            var (code, stdout, stderr) = WeightGuardProcess.Run("scan", "--root", root, "--profile", "rand-sl1", "--format", "csv");
            var (_, profile, _) = WeightGuardProcess.Run("profiles", "show", "rand-sl1");

            Assert.That(code, Is.EqualTo(1), stderr);
            var lines = stdout.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.That(lines[0], Does.StartWith("hostname,machine_id,report_id,finished_at,profile,control_id,"));
            Assert.That(lines.Skip(1), Is.All.StartWith("'=gpu-csv-01,"), "a hostname starting with = must not become a formula");
            Assert.That(lines.Skip(1).Select(l => l.Split(',')[5]), Does.Contain("WG-ACL-001").And.Contain("WG-TPM-001"));
            Assert.That(profile, Does.Contain("WG-TPM-001"));
        }
        finally { Directory.Delete(root, recursive: true); }
    }
}
