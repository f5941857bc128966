using WeightGuard.Testing;

namespace WeightGuard.Cli.Tests;

/// <summary>
/// Files that are not what they claim (links to /dev/zero, FIFOs, huge or deeply nested YAML, a relative home directory)
/// end as one line naming the input and exit 2, or as an error in the report, within 20 s and a 256 MiB heap; never a
/// stack trace, a hang or a blow-up.
/// </summary>
[NonParallelizable]
public class HostileInputTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("wg-hostile-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string At(string relative)
    {
        var path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    private static void Fifo(string path) => Assert.That(ExternalTool.Run("mkfifo", [path]).ExitCode, Is.Zero);

    /// <summary>A copy of the shipped catalogue to spoil.</summary>
    private string Catalogue()
    {
        foreach (var kind in new[] { "controls", "profiles" })
            foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, kind), "*.yaml"))
                File.Copy(file, At($"catalog/{kind}/{Path.GetFileName(file)}"));
        return Path.Combine(_dir, "catalog");
    }

    /// <summary>A minimal host tree for <c>scan --root</c>.</summary>
    private string Tree(string passwd = "root:x:0:0::/root:/bin/bash\n")
    {
        File.WriteAllText(At("tree/etc/group"), "root:x:0:\n");
        File.WriteAllText(At("tree/etc/hostname"), "hostile\n");
        if (passwd.Length > 0) File.WriteAllText(At("tree/etc/passwd"), passwd);
        return Path.Combine(_dir, "tree");
    }

    private static void AssertOneLine(string stderr, string names)
    {
        Assert.That(stderr, Does.Contain(names));
        Assert.That(stderr, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(stderr.Trim().Split('\n'), Has.Length.EqualTo(1), stderr);
    }

    [Test]
    public void AnEventLogThatIsAFifoIsRefusedNotWaitedOn()
    {
        var log = At("log.bin");
        Fifo(log);
        var (code, _, stderr) = WeightGuardProcess.RunBounded("inspect", "eventlog", log);
        Assert.That(code, Is.EqualTo(2));
        AssertOneLine(stderr, "not a regular file");
    }

    [Test]
    public void AControlFileLinkedToDevZeroIsRefusedByType()
    {
        var catalog = Catalogue();
        File.CreateSymbolicLink(Path.Combine(catalog, "controls/WG-ZZZ-001.yaml"), "/dev/zero");
        var (code, _, stderr) = WeightGuardProcess.RunBounded("controls", "validate", catalog);
        Assert.That(code, Is.EqualTo(2), stderr);
        AssertOneLine(stderr, "WG-ZZZ-001.yaml:1: a character device, not a regular file; not read");
    }

    [Test]
    public void A100MegabyteControlFileIsRefusedBeforeItIsRead()
    {
        var catalog = Catalogue();
        using (var big = File.Create(Path.Combine(catalog, "controls/WG-ZZZ-001.yaml"))) big.SetLength(100L << 20);
        var (code, _, stderr) = WeightGuardProcess.RunBounded("scan", "--catalog", catalog, "--root", Tree(), "--format", "json");
        Assert.That(code, Is.EqualTo(2), stderr);
        AssertOneLine(stderr, "WG-ZZZ-001.yaml:1: larger than the 1 MiB allowed for a catalogue file; not read");
    }

    [Test]
    public void AFifoAmongTheControlFilesIsRefusedWithoutOpeningIt()
    {
        var catalog = Catalogue();
        Fifo(Path.Combine(catalog, "controls/WG-ZZZ-001.yaml"));
        var (code, _, stderr) = WeightGuardProcess.RunBounded("controls", "validate", catalog);
        Assert.That(code, Is.EqualTo(2), stderr);
        AssertOneLine(stderr, "WG-ZZZ-001.yaml:1: a FIFO, not a regular file; not read");
    }

    [Test]
    public void FiftyThousandLevelsOfFlowNestingAreAnErrorNotAStackOverflow()
    {
        var catalog = Catalogue();
        File.WriteAllText(Path.Combine(catalog, "profiles/deep.yaml"), "id: " + new string('[', 50_000) + new string(']', 50_000) + "\n");
        var (code, _, stderr) = WeightGuardProcess.RunBounded("controls", "validate", catalog);
        Assert.That(code, Is.EqualTo(2), stderr);
        AssertOneLine(stderr, "deep.yaml:1: nested deeper than 64 levels; not parsed");
    }

    [TestCase("link")]
    [TestCase("fifo")]
    public void AWaiverFileThatIsNotARegularFileIsRefused(string kind)
    {
        var waivers = At("waivers.yaml");
        if (kind == "link") File.CreateSymbolicLink(waivers, "/dev/zero");
        else Fifo(waivers);
        var (code, _, stderr) = WeightGuardProcess.RunBounded("scan", "--root", Tree(), "--waivers", waivers, "--format", "json");
        Assert.That(code, Is.EqualTo(2), stderr);
        AssertOneLine(stderr, $"{waivers}:1: {(kind == "link" ? "a character device" : "a FIFO")}, not a regular file; not read");
    }

    [Test]
    public void AFifoAsPasswdUnderRootIsAnErrorFindingNotAHang()
    {
        var tree = Tree(passwd: "");
        Fifo(Path.Combine(tree, "etc/passwd"));
        var (code, stdout, stderr) = WeightGuardProcess.RunBounded("scan", "--root", tree, "--format", "json");
        Assert.That(code, Is.EqualTo(1), stderr);
        Assert.That(stdout, Does.Contain("/etc/passwd: a FIFO, not a regular file; not read"));
        Assert.That(stderr, Does.Not.Contain("   at "));
    }

    [Test]
    public void ALinkToDevZeroUnderRootIsResolvedInsideTheTree()
    {
        // /etc/passwd -> /dev/zero names the tree's /dev/zero (absent here), never this machine's device.
        var tree = Tree(passwd: "");
        File.CreateSymbolicLink(Path.Combine(tree, "etc/passwd"), "/dev/zero");
        File.CreateSymbolicLink(At("tree/etc/iptables/rules.v4"), "../../../../../../dev/zero");
        var (code, stdout, stderr) = WeightGuardProcess.RunBounded("scan", "--root", tree, "--format", "json");
        Assert.That(code, Is.EqualTo(1), stderr);
        Assert.That(stderr, Does.Not.Contain("   at "));
        Assert.That(stdout, Does.Not.Contain("character device"), "the machine's /dev/zero was reached through the tree");
    }

    [Test]
    public void FifosAsIptablesRulesAndAsARecordedNvidiaSmiExitCodeDoNotHangTheScan()
    {
        var tree = Tree();
        Fifo(At("tree/etc/iptables/rules.v4"));
        var recording = At("tree/var/lib/weightguard/recorded/nvidia-smi/query.xml");
        File.WriteAllText(recording, "<nvidia_smi_log/>");
        Fifo(recording + ".rc");
        Directory.CreateDirectory(At("tree/proc/driver/nvidia/x"));
        var (code, stdout, stderr) = WeightGuardProcess.RunBounded("scan", "--root", tree, "--format", "json");
        Assert.That(code, Is.EqualTo(1), stderr);
        Assert.That(stdout, Does.Contain("/etc/iptables/rules.v4: a FIFO, not a regular file; not read"));
        Assert.That(stdout, Does.Contain("query.xml.rc: a FIFO, not a regular file; not read"));
        Assert.That(stderr, Does.Not.Contain("   at "));
    }

    [Test]
    public void ARecordedNvidiaSmiOutputLinkedToDevZeroIsRefused()
    {
        var tree = Tree();
        var recording = At("tree/var/lib/weightguard/recorded/nvidia-smi/query.xml");
        File.CreateSymbolicLink(recording, "/dev/zero");
        File.WriteAllText(recording + ".rc", "exit=0\n");
        Directory.CreateDirectory(At("tree/proc/driver/nvidia/x"));
        var (code, stdout, stderr) = WeightGuardProcess.RunBounded("scan", "--root", tree, "--format", "json");
        Assert.That(code, Is.EqualTo(1), stderr);
        Assert.That(stdout, Does.Contain("query.xml: a character device, not a regular file; not read"));
    }

    [Test]
    public void ARelativeHomeDirectoryInPasswdIsAnErrorOnItsAuthorizedKeys()
    {
        var tree = Tree(passwd: "root:x:0:0::root-home:/bin/bash\n");
        File.WriteAllText(At("tree/etc/ssh/sshd_config"), "PermitRootLogin no\n");
        var (code, stdout, stderr) = WeightGuardProcess.RunBounded("scan", "--root", tree, "--format", "json");
        Assert.That(code, Is.EqualTo(1), stderr);
        var reasons = CliRunner.Json(stdout).GetProperty("evidence").GetProperty("ssh").GetProperty("errors").EnumerateArray()
            .Select(e => e.GetProperty("reason").GetString());
        Assert.That(reasons, Does.Contain("not an absolute path: the home directory of root in /etc/passwd is 'root-home'"));
        Assert.That(stderr, Does.Not.Contain("   at "));
    }
}
