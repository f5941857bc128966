using System.IO.Compression;
using WeightGuard.Collectors.Platform.Patches;
using WeightGuard.Testing;

namespace WeightGuard.Collectors.Tests.Platform;

/// <summary>Pending security updates from dpkg status and apt lists (plain, gzip, lz4 made by the real lz4 tool).</summary>
public class PatchTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private const string Status = """
        Package: openssh-server
        Status: install ok installed
        Priority: optional
        Architecture: amd64
        Version: 1:9.2p1-2+deb12u3
        Description: secure shell server
         multi-line description

        Package: tzdata
        Status: install ok installed
        Architecture: all
        Version: 2024a-0+deb12u1

        Package: libc6
        Status: install ok installed
        Architecture: amd64
        Version: 2.36-9+deb12u10

        Package: removed-thing
        Status: deinstall ok config-files
        Architecture: amd64
        Version: 1.0-1

        """;

    private const string SecurityPackages = """
        Package: openssh-server
        Architecture: amd64
        Version: 1:9.2p1-2+deb12u7

        Package: openssh-server
        Architecture: amd64
        Version: 1:9.2p1-2+deb12u5

        Package: libc6
        Architecture: amd64
        Version: 2.36-9+deb12u10

        Package: libc6
        Architecture: i386
        Version: 2.36-9+deb12u13

        Package: removed-thing
        Architecture: amd64
        Version: 9.9-1

        Package: tzdata
        Architecture: all
        Version: 2025b-0+deb12u1

        """;

    private const string Prefix = "deb.debian.org_debian-security_dists_bookworm-security_";

    private static HostTree Debian(Action<HostTree, string> writeList)
    {
        var tree = new HostTree()
            .File("/var/lib/dpkg/status", Status)
            .File($"/var/lib/apt/lists/{Prefix}InRelease", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nOrigin: Debian\nLabel: Debian-Security\nSuite: oldstable-security\nCodename: bookworm-security\nSHA256:\n abc 1 main/Packages\n")
            .File("/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease", "Origin: Debian\nSuite: oldstable\nCodename: bookworm\n")
            .File("/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages", "Package: libc6\nArchitecture: amd64\nVersion: 9.99-1\n");
        File.SetLastWriteTimeUtc(tree.HostRoot.Resolve($"/var/lib/apt/lists/{Prefix}InRelease"), Now.UtcDateTime.AddDays(-3));
        writeList(tree, tree.HostRoot.Resolve($"/var/lib/apt/lists/{Prefix}main_binary-amd64_Packages"));
        return tree;
    }

    private static void AssertPending(Core.Evidence.PatchEvidence p)
    {
        Assert.That(p.Determinable, Is.True, p.Reason);
        Assert.That(p.InstalledPackages, Is.EqualTo(3));
        Assert.That(p.ListsAgeDays, Is.EqualTo(3));
        Assert.That(p.Pending.Select(u => $"{u.Package} {u.Installed} -> {u.Available} ({u.Suite})"), Is.EqualTo(new[]
        {
            "openssh-server 1:9.2p1-2+deb12u3 -> 1:9.2p1-2+deb12u7 (oldstable-security)",
            "tzdata 2024a-0+deb12u1 -> 2025b-0+deb12u1 (oldstable-security)",
        }));
    }

    [Test]
    public void Plain_security_list_gives_pending_updates_and_ignores_other_suites()
    {
        using var tree = Debian((_, path) => File.WriteAllText(path, SecurityPackages));
        AssertPending(new PatchCollector(tree.HostRoot, Now).Collect());
    }

    [Test]
    public void Gzip_list_is_read()
    {
        using var tree = Debian((_, path) =>
        {
            using var gz = new GZipStream(File.Create(path + ".gz"), CompressionLevel.Fastest);
            gz.Write(System.Text.Encoding.UTF8.GetBytes(SecurityPackages));
        });
        AssertPending(new PatchCollector(tree.HostRoot, Now).Collect());
    }

    [Test]
    public void Lz4_list_made_by_the_lz4_tool_is_read()
    {
        var lz4 = ExternalTool.Require("lz4");
        using var tree = Debian((_, path) =>
        {
            File.WriteAllText(path + ".plain", SecurityPackages);
            var (rc, _, stderr) = ExternalTool.Run(lz4, ["-q", "-f", path + ".plain", path + ".lz4"]);
            Assert.That(rc, Is.Zero, stderr);
            File.Delete(path + ".plain");
        });
        AssertPending(new PatchCollector(tree.HostRoot, Now).Collect());
    }

    [Test]
    public void Corrupt_lz4_and_unknown_compression_are_errors_naming_the_file()
    {
        using var tree = Debian((_, path) => File.WriteAllBytes(path + ".lz4", [0x04, 0x22, 0x4D, 0x18, 0x64, 0x40, 0xA7, 0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 3]));
        var e = Assert.Throws<InvalidDataException>(() => new PatchCollector(tree.HostRoot, Now).Collect());
        Assert.That(e!.Message, Does.Contain("Packages.lz4"));
        using var xz = Debian((_, path) => File.WriteAllText(path + ".xz", "x"));
        Assert.That(Assert.Throws<InvalidDataException>(() => new PatchCollector(xz.HostRoot, Now).Collect())!.Message, Does.Contain(".xz compression is not read"));
    }

    [Test]
    public void Garbage_status_is_an_error_with_line()
    {
        using var tree = Debian((_, path) => File.WriteAllText(path, SecurityPackages));
        tree.File("/var/lib/dpkg/status", "Package: a\nVersion: 1\nthis line has no colon\n");
        Assert.That(Assert.Throws<InvalidDataException>(() => new PatchCollector(tree.HostRoot, Now).Collect())!.Message, Does.Contain("/var/lib/dpkg/status:3"));
    }

    [Test]
    public void Decompression_bomb_and_endless_line_stop_at_their_limits()
    {
        var bomb = new MemoryStream();
        using (var gz = new GZipStream(bomb, CompressionLevel.SmallestSize, leaveOpen: true))
            for (var i = 0; i < 200_000; i++) gz.Write("Package: p\nVersion: 1\n\n"u8);
        bomb.Position = 0;
        var e = Assert.Throws<InvalidDataException>(() => DebianControlReader.Read(new GZipStream(bomb, CompressionMode.Decompress), "bomb.gz", maxBytes: 1 << 20).Count());
        Assert.That(e!.Message, Does.Contain("bomb.gz").And.Contain("more than 1048576 bytes"));
        var endless = new MemoryStream(System.Text.Encoding.ASCII.GetBytes("Package: " + new string('x', DebianControlReader.MaxLineChars + 1)));
        e = Assert.Throws<InvalidDataException>(() => DebianControlReader.Read(endless, "status").Count());
        Assert.That(e!.Message, Does.Contain("status:1: line longer than"));
    }

    [Test]
    public void Without_a_security_suite_or_on_rpm_it_is_not_determinable()
    {
        using var tree = Debian((_, _) => { });
        tree.File($"/var/lib/apt/lists/{Prefix}InRelease", "Suite: bookworm\n");
        var p = new PatchCollector(tree.HostRoot, Now).Collect();
        Assert.That((p.PackageManager, p.Determinable), Is.EqualTo(("dpkg", false)));
        using var rpm = new HostTree().Dir("/var/lib/rpm");
        var r = new PatchCollector(rpm.HostRoot, Now).Collect();
        Assert.That((r.PackageManager, r.Determinable, r.Reason), Is.EqualTo(("rpm", false, r.Reason)));
        Assert.That(r.Reason, Does.Contain("not in SQLite form"));
    }

    [TestCase("1.0", "1.0~rc1")]
    [TestCase("1:1.0", "2.0")]
    [TestCase("1.0-1", "1.0")]
    [TestCase("2.36-9+deb12u13", "2.36-9+deb12u9")]
    [TestCase("1.10", "1.9")]
    [TestCase("1.0a", "1.0")]
    [TestCase("1.0+b1", "1.0")]
    [TestCase("20250419~deb12u2", "20230311+deb12u1")]
    [TestCase("1.0.0", "1.0")]
    [TestCase("0:1.0", "1.0")]
    [TestCase("1.2-3", "1.2-3")]
    [TestCase("1~~a", "1~")]
    [TestCase("9.2p1-2+deb12u7", "9.2p1-2+deb12u10")]
    public void Version_order_matches_dpkg(string a, string b)
    {
        var dpkg = ExternalTool.Require("dpkg");
        int Dpkg(string op) => ExternalTool.Run(dpkg, ["--compare-versions", a, op, b]).ExitCode;
        var expected = Dpkg("gt") == 0 ? 1 : Dpkg("lt") == 0 ? -1 : 0;
        Assert.That(Math.Sign(DebianVersion.Comparer.Compare(a, b)), Is.EqualTo(expected));
        Assert.That(Math.Sign(DebianVersion.Comparer.Compare(b, a)), Is.EqualTo(-expected));
    }

    [Test]
    public void Live_host_agrees_with_apt_on_security_upgrades()
    {
        var apt = ExternalTool.Require("apt");
        var p = new PatchCollector(HostRoot.Live, DateTimeOffset.UtcNow).Collect();
        if (!p.Determinable) Assert.Ignore("this host has no security suite lists: " + p.Reason);
        var (rc, stdout, _) = ExternalTool.Run(apt, ["list", "--upgradable"]);
        Assert.That(rc, Is.Zero);
        var fromApt = stdout.Split('\n').Where(l => l.Contains("-security", StringComparison.Ordinal)).Select(l => l[..l.IndexOf('/')]).ToHashSet();
        // apt names the security suite when the security version is its candidate; each of those is pending for us too
        Assert.That(fromApt, Is.SubsetOf(p.Pending.Select(u => u.Package).ToHashSet()).Or.Count.GreaterThan(200));
    }
}
