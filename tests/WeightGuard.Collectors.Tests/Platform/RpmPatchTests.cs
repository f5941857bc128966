using System.Buffers.Binary;
using System.IO.Compression;
using Microsoft.Data.Sqlite;
using WeightGuard.Collectors.Platform.Patches;
using WeightGuard.Testing;

namespace WeightGuard.Collectors.Tests.Platform;

/// <summary>
/// Pending security updates on RPM hosts: a real rpmdb.sqlite made by rpm from packages built by rpmbuild, dnf-style
/// cached updateinfo, version ordering cross-checked with rpm's own rpm.vercmp, and hostile headers.
/// </summary>
[TestFixture]
public sealed class RpmPatchTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    // name, epoch, version, release, arch: two kernels (dnf compares with the newest), an epoch, a noarch package
    private static readonly (string Name, int Epoch, string Version, string Release, string Arch)[] Installed =
    [
        ("openssh-server", 0, "8.7p1", "38.el9", "x86_64"),
        ("kernel", 0, "5.14.0", "362.el9", "x86_64"),
        ("kernel", 0, "5.14.0", "427.el9", "x86_64"),
        ("tzdata", 0, "2024a", "1.el9", "noarch"),
        ("wg-demo", 2, "1.2.3", "4.el9", "noarch"),
    ];

    private const string UpdateInfo = """
        <?xml version="1.0" encoding="UTF-8"?>
        <updates>
          <update from="releng@rockylinux.org" status="final" type="security" version="2">
            <id>RLSA-2024:3166</id>
            <title>Moderate: openssh security update</title>
            <pkglist><collection short="rocky-linux-9-baseos">
              <name>rocky-linux-9-baseos</name>
              <package name="openssh-server" version="8.7p1" release="38.el9_4.1" epoch="0" arch="x86_64" src="openssh.src.rpm"><filename>openssh-server-8.7p1-38.el9_4.1.x86_64.rpm</filename></package>
              <package name="openssh-server" version="8.7p1" release="38.el9_4.1" epoch="0" arch="i686" src="openssh.src.rpm"><filename>x</filename></package>
              <package name="openssh-clients" version="8.7p1" release="38.el9_4.1" epoch="0" arch="x86_64" src="openssh.src.rpm"><filename>x</filename></package>
            </collection></pkglist>
          </update>
          <update from="releng@rockylinux.org" status="final" type="security" version="2">
            <id>RLSA-2024:1249</id>
            <pkglist><collection short="k">
              <package name="kernel" version="5.14.0" release="427.el9" epoch="0" arch="x86_64"><filename>x</filename></package>
              <package name="wg-demo" version="9.9" release="1" epoch="1" arch="noarch"><filename>x</filename></package>
            </collection></pkglist>
          </update>
          <update from="releng@rockylinux.org" status="final" type="bugfix" version="2">
            <id>RLBA-2024:2000</id>
            <pkglist><collection short="t">
              <package name="tzdata" version="2024b" release="1.el9" epoch="0" arch="noarch"><filename>x</filename></package>
            </collection></pkglist>
          </update>
          <update type="security"><id>RLSA-2024:9999</id><pkglist><collection>
              <package name="tzdata" version="2024a" release="1.el9~rc1" epoch="0" arch="noarch"/>
          </collection></pkglist></update>
        </updates>
        """;

    private string _database = "";
    private string _rpm = "";

    [OneTimeSetUp]
    public void BuildRpmDatabase()
    {
        _rpm = ExternalTool.Require("rpm");
        var rpmbuild = ExternalTool.Require("rpmbuild");
        var work = Directory.CreateTempSubdirectory("wg-rpm-").FullName;
        var rpms = new List<string>();
        foreach (var (name, epoch, version, release, arch) in Installed)
        {
            var spec = Path.Combine(work, $"{name}-{release}.spec");
            File.WriteAllText(spec, $"Name: {name}\n{(epoch > 0 ? $"Epoch: {epoch}\n" : "")}Version: {version}\nRelease: {release}\nSummary: test\nLicense: MIT\n"
                + $"{(arch == "noarch" ? "BuildArch: noarch\n" : "")}%description\ntest\n%files\n");
            var (rc, _, stderr) = ExternalTool.Run(rpmbuild, ["--define", $"_topdir {work}/top", "--target", arch == "noarch" ? "x86_64" : arch, "-bb", spec]);
            Assert.That(rc, Is.Zero, stderr);
            rpms.Add(Path.Combine(work, "top", "RPMS", arch, $"{name}-{version}-{release}.{arch}.rpm"));
        }
        _database = Path.Combine(work, "db");
        Assert.That(ExternalTool.Run(_rpm, ["--initdb", "--dbpath", _database]).ExitCode, Is.Zero);
        var install = ExternalTool.Run(_rpm, ["-i", "--justdb", "--nodeps", "--dbpath", _database, .. rpms]);
        Assert.That(install.ExitCode, Is.Zero, install.Stderr);
    }

    private HostTree RockyHost(string updateInfoName = "0a1b-updateinfo.xml.gz", byte[]? updateInfo = null)
    {
        var tree = new HostTree().CopyDir(_database, "/var/lib/rpm");
        var path = $"/var/cache/dnf/baseos-c3b7f5e1d0a2c1f4/repodata/{updateInfoName}";
        tree.Write(path, updateInfo ?? Gzip(UpdateInfo));
        File.SetLastWriteTimeUtc(tree.Local(path), Now.UtcDateTime.AddDays(-2));
        return tree;
    }

    private static byte[] Gzip(string text)
    {
        using var buffer = new MemoryStream();
        using (var gz = new GZipStream(buffer, CompressionLevel.Fastest)) gz.Write(System.Text.Encoding.UTF8.GetBytes(text));
        return buffer.ToArray();
    }

    [Test]
    public void Headers_read_from_rpmdb_sqlite_match_what_rpm_itself_lists()
    {
        var (rc, stdout, stderr) = ExternalTool.Run(_rpm, ["-qa", "--dbpath", _database, "--qf", "%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE} %{ARCH}\\n"]);
        Assert.That(rc, Is.Zero, stderr);
        var ours = RpmDatabase.ReadInstalled(Path.Combine(_database, "rpmdb.sqlite"), "/var/lib/rpm/rpmdb.sqlite")
            .Select(p => $"{p.Name} {p.Evr.Epoch}:{p.Evr.Version}-{p.Evr.Release} {p.Arch}");
        Assert.That(ours, Is.EquivalentTo(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.That(ours, Has.Exactly(Installed.Length).Items);
    }

    [Test]
    public void Security_advisories_newer_than_the_installed_package_are_pending()
    {
        using var tree = RockyHost();
        var p = new PatchCollector(tree.HostRoot, Now).Collect();
        Assert.Multiple(() =>
        {
            Assert.That((p.PackageManager, p.Determinable, p.InstalledPackages, p.ListsAgeDays), Is.EqualTo(("rpm", true, 4, (int?)2)), p.Reason);
            Assert.That(p.SecurityLists, Is.EqualTo(new[] { "/var/cache/dnf/baseos-c3b7f5e1d0a2c1f4/repodata/0a1b-updateinfo.xml.gz" }));
            // kernel 427 is installed beside 362, the epoch-1 wg-demo is older than epoch 2, tzdata's fix is a bugfix
            // advisory (and the ~rc1 security one sorts before the installed release), i686 and openssh-clients are not installed
            Assert.That(p.Pending.Select(u => $"{u.Package} {u.Installed} -> {u.Available} ({u.Suite})"),
                Is.EqualTo(new[] { "openssh-server.x86_64 8.7p1-38.el9 -> 8.7p1-38.el9_4.1 (RLSA-2024:3166)" }));
            Assert.That(p.PendingCount, Is.EqualTo(1));
        });
    }

    [Test]
    public void Plain_updateinfo_is_read_and_zstd_is_named_as_not_read()
    {
        using var plain = RockyHost("0a1b-updateinfo.xml", System.Text.Encoding.UTF8.GetBytes(UpdateInfo));
        Assert.That(new PatchCollector(plain.HostRoot, Now).Collect().PendingCount, Is.EqualTo(1));
        using var zstd = RockyHost("0a1b-updateinfo.xml.zst", [0x28, 0xB5, 0x2F, 0xFD]);
        var z = new PatchCollector(zstd.HostRoot, Now).Collect();
        Assert.That((z.Determinable, z.InstalledPackages), Is.EqualTo((false, 4)));
        Assert.That(z.Reason, Does.Contain(".zst compression is not read"));
    }

    [Test]
    public void Without_cached_updateinfo_or_with_a_berkeley_database_it_is_not_determinable()
    {
        using var bare = new HostTree().CopyDir(_database, "/var/lib/rpm");
        Assert.That(new PatchCollector(bare.HostRoot, Now).Collect().Reason, Does.Contain("dnf has cached no updateinfo.xml"));
        using var bdb = new HostTree().File("/var/lib/rpm/Packages", "\0\0\0\0");
        var r = new PatchCollector(bdb.HostRoot, Now).Collect();
        Assert.That((r.PackageManager, r.Determinable), Is.EqualTo(("rpm", false)));
        Assert.That(r.Reason, Does.Contain("not in SQLite form"));
    }

    [Test]
    public void Hostile_updateinfo_is_an_error_naming_the_file()
    {
        const string laughs = """<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><updates>&b;</updates>""";
        foreach (var (text, expected) in new[] { (laughs, "DTD"), ("<updates><update type=\"security\">\n<id>x</id>\n<pkglist>", "-updateinfo.xml.gz:") })
        {
            using var tree = RockyHost(updateInfo: Gzip(text));
            var e = Assert.Throws<InvalidDataException>(() => new PatchCollector(tree.HostRoot, Now).Collect());
            Assert.That(e!.Message, Does.Contain(expected).And.Contain("/var/cache/dnf/"));
        }
        using var corrupt = RockyHost(updateInfo: [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF]);
        Assert.That(Assert.Throws<InvalidDataException>(() => new PatchCollector(corrupt.HostRoot, Now).Collect())!.Message, Does.Contain("updateinfo.xml.gz"));
    }

    [Test]
    public void A_corrupt_header_in_the_database_is_an_error_naming_the_package()
    {
        using var tree = RockyHost();
        var db = tree.Local("/var/lib/rpm/rpmdb.sqlite");
        using (var connection = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE Packages SET blob = substr(blob, 1, 100) WHERE hnum = (SELECT min(hnum) FROM Packages)";
            command.ExecuteNonQuery();
        }
        var e = Assert.Throws<InvalidDataException>(() => new PatchCollector(tree.HostRoot, Now).Collect());
        Assert.That(e!.Message, Does.Match("rpmdb.sqlite: package [0-9]+: offset 8: .* the header has 100"));
        File.WriteAllText(db, "not a database at all, just text that is long enough to be mistaken for nothing");
        Assert.That(Assert.Throws<InvalidDataException>(() => new PatchCollector(tree.HostRoot, Now).Collect())!.Message, Does.StartWith("/var/lib/rpm/rpmdb.sqlite: "));
    }

    /// <summary>A header with the given index entries (tag, type, offset, count) over <paramref name="store"/>.</summary>
    private static byte[] Header(byte[] store, params (int Tag, int Type, int Offset, int Count)[] entries)
    {
        var blob = new byte[8 + entries.Length * 16 + store.Length];
        BinaryPrimitives.WriteInt32BigEndian(blob, entries.Length);
        BinaryPrimitives.WriteInt32BigEndian(blob.AsSpan(4), store.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            var e = blob.AsSpan(8 + i * 16);
            BinaryPrimitives.WriteInt32BigEndian(e, entries[i].Tag);
            BinaryPrimitives.WriteInt32BigEndian(e[4..], entries[i].Type);
            BinaryPrimitives.WriteInt32BigEndian(e[8..], entries[i].Offset);
            BinaryPrimitives.WriteInt32BigEndian(e[12..], entries[i].Count);
        }
        store.CopyTo(blob, 8 + entries.Length * 16);
        return blob;
    }

    private static readonly byte[] Store = [.. "bash"u8, 0, .. "5.2"u8, 0, .. "1.el9"u8, 0, .. "x86_64"u8, 0, 0, 0, 0, 0, 0, 1];
    private static readonly (int, int, int, int)[] Good = [(1000, 6, 0, 1), (1001, 6, 5, 1), (1002, 6, 9, 1), (1022, 6, 15, 1), (1003, 4, 24, 1)];

    [Test]
    public void A_hand_made_header_with_and_without_the_file_magic_parses()
    {
        var blob = Header(Store, Good);
        var expected = new RpmPackage("bash", new RpmEvr(1, "5.2", "1.el9"), "x86_64");
        Assert.That(RpmHeader.Parse(blob, "h"), Is.EqualTo(expected));
        Assert.That(RpmHeader.Parse([0x8E, 0xAD, 0xE8, 0x01, 0, 0, 0, 0, .. blob], "h"), Is.EqualTo(expected));
    }

    [TestCase(4, "header truncated")]
    [TestCase(-1, "index entries")]
    [TestCase(-2, "data length")]
    [TestCase(-3, "the header has")]
    [TestCase(-4, "outside the")]
    [TestCase(-5, "not terminated")]
    [TestCase(-6, "is not a string")]
    [TestCase(-7, "EPOCH is not an int32")]
    [TestCase(-8, "lacks NAME")]
    public void Hostile_headers_are_clear_errors(int variant, string expected)
    {
        var blob = variant switch
        {
            > 0 => Header(Store, Good)[..variant],
            -1 => Header(Store, Good).Select((b, i) => i < 4 ? (byte)0x7F : b).ToArray(),
            -2 => Header(Store, Good).Select((b, i) => i is >= 4 and < 8 ? (byte)0x7F : b).ToArray(),
            -3 => Header(Store, Good)[..^1],
            -4 => Header(Store, [(1000, 6, 4000, 1), .. Good[1..]]),
            -5 => Header("bash"u8.ToArray(), (1000, 6, 0, 1)),
            -6 => Header(Store, [(1000, 7, 0, 1), .. Good[1..]]),
            -7 => Header(Store, [.. Good[..4], (1003, 4, 26, 1)]),
            _ => Header(Store, Good[1..]),
        };
        var e = Assert.Throws<InvalidDataException>(() => RpmHeader.Parse(blob, "rpmdb.sqlite: package 7"));
        Assert.That(e!.Message, Does.StartWith("rpmdb.sqlite: package 7").And.Contain(expected));
    }

    [Test]
    public void Version_order_matches_rpm_vercmp_over_many_pairs()
    {
        var pairs = new List<(string, string)>();
        var rpmTestSuite = """
            1.0 1.0|1.0 2.0|2.0.1 2.0|2.0.1a 2.0.1|5.5p1 5.5p10|10xyz 10.1xyz|xyz10 xyz10.1|xyz.4 8|xyz.4 2|5.6p1 6.5p1|6.0.rc1 6.0
            10b2 10a1|10a2 10b2|1.0a 1.0aa|10.0001 10.1|10.0001 10.0039|4.999.9 5.0|20101121 20101122|2_0 2.0|a+ a_|+a _a|_+ +_|+ _
            1.0~rc1 1.0|1.0~rc1 1.0~rc2|1.0~rc1~git123 1.0~rc1|1.0^ 1.0|1.0^git1 1.0|1.0^git1 1.0^git2|1.0^git1 1.01
            1.0^20160101 1.0.1|1.0^20160102 1.0^20160101^git1|1.0~rc1^git1 1.0~rc1|1.0^git1 1.0^git1~pre
            1:1.0-1 2.0-1|0:1.0-1 1.0-1|1.0-1.el9 1.0-1.el9_2|8.7p1-38.el9 8.7p1-38.el9_4.1|5.14.0-427.el9 5.14.0-362.24.1.el9_3|2:0-0 1:99-99
            """;
        foreach (var pair in rpmTestSuite.Split(['|', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split(' ');
            pairs.Add((parts[0], parts[1]));
            pairs.Add((parts[1], parts[0]));
        }
        var random = new Random(8);
        string Part() => new(Enumerable.Range(0, random.Next(1, 9)).Select(_ => "0123456789.~^abz_+"[random.Next(18)]).ToArray());
        string Evr() => (random.Next(4) == 0 ? $"{random.Next(3)}:" : "") + Part() + (random.Next(2) == 0 ? "-" + Part() : "");
        for (var i = 0; i < 400; i++) pairs.Add(random.Next(5) == 0 ? (Evr() is var same ? (same, same) : default) : (Evr(), Evr()));

        var lua = "%{lua: local r = {} for _, p in ipairs({" + string.Join(",", pairs.Select(p => $"{{\"{p.Item1}\",\"{p.Item2}\"}}"))
            + "}) do r[#r + 1] = rpm.vercmp(p[1], p[2]) end print(table.concat(r, \",\"))}";
        var (rc, stdout, stderr) = ExternalTool.Run(_rpm, ["--eval", lua]);
        Assert.That(rc, Is.Zero, stderr);
        var theirs = stdout.Trim().Split(',').Select(int.Parse).ToList();
        Assert.That(theirs, Has.Count.EqualTo(pairs.Count));
        var disagreements = pairs.Select((p, i) => (p, ours: RpmVersion.Comparer.Compare(p.Item1, p.Item2), theirs: theirs[i]))
            .Where(x => x.ours != x.theirs).Select(x => $"{x.p.Item1} vs {x.p.Item2}: ours {x.ours}, rpm {x.theirs}").ToList();
        Assert.That(disagreements, Is.Empty);
        Assert.That(RpmVersion.Comparer.Compare("1.0~rc1", "1.0"), Is.EqualTo(-1));
        Assert.That(RpmVersion.Comparer.Compare("1.0^git1", "1.0"), Is.EqualTo(1));
    }
}
