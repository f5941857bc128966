using System.Text.Json;
using WeightGuard.Testing;

namespace WeightGuard.Cli.Tests;

/// <summary><c>weightguard inspect luks</c> run as a process, on images made by the real cryptsetup.</summary>
[TestFixture]
public sealed class InspectLuksCommandTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("wg-inspect-luks-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Stdout, string Stderr) Weightguard(params string[] args) =>
        ExternalTool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "weightguard.dll"), .. args]);

    private string Format(params string[] args)
    {
        var cryptsetup = ExternalTool.Require("cryptsetup");
        var image = Path.Combine(_dir, "disk.img");
        var key = Path.Combine(_dir, "key");
        File.WriteAllText(key, "test key file");
        using (var f = File.Create(image)) f.SetLength(20L << 20);
        var (code, _, stderr) = ExternalTool.Run(cryptsetup, ["luksFormat", "-q", "--key-file", key, .. args, image]);
        Assert.That(code, Is.Zero, stderr);
        return image;
    }

    [Test]
    public void Prints_the_header_as_json()
    {
        var image = Format("--type", "luks2", "--pbkdf", "argon2id", "--pbkdf-memory", "32", "--pbkdf-force-iterations", "4", "--key-size", "512");
        var (code, stdout, stderr) = Weightguard("inspect", "luks", image);
        Assert.That(code, Is.Zero, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("version").GetInt32(), Is.EqualTo(2));
            Assert.That(root.GetProperty("cipher").GetString(), Is.EqualTo("aes-xts-plain64"));
            Assert.That(root.GetProperty("keyBits").GetInt32(), Is.EqualTo(512));
            Assert.That(root.GetProperty("checksumValid").GetBoolean(), Is.True);
            Assert.That(root.GetProperty("encrypted").GetBoolean(), Is.True);
            var pbkdf = root.GetProperty("keyslots")[0].GetProperty("pbkdf");
            Assert.That((pbkdf.GetProperty("type").GetString(), pbkdf.GetProperty("memory").GetInt32()), Is.EqualTo(("argon2id", 32)));
            Assert.That(root.GetProperty("weaknesses")[0].GetString(), Does.Contain("argon2id with 32 KiB memory"));
            Assert.That(root.TryGetProperty("uuid", out _), Is.True);
        });
    }

    [Test]
    public void Bad_input_exits_2_naming_the_file_and_offset()
    {
        var image = Format("--type", "luks1", "--pbkdf-force-iterations", "1000");
        var cut = Path.Combine(_dir, "cut.img");
        File.WriteAllBytes(cut, File.ReadAllBytes(image)[..100]);
        var (code, stdout, stderr) = Weightguard("inspect", "luks", cut);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(2));
            Assert.That(stdout, Is.Empty);
            Assert.That(stderr.Trim(), Is.EqualTo($"{cut}: offset 100: truncated LUKS1 header: 100 of 592 bytes"));
        });
    }

    [Test]
    public void Missing_file_exits_2()
    {
        var (code, _, stderr) = Weightguard("inspect", "luks", Path.Combine(_dir, "nope"));
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(2));
            Assert.That(stderr, Does.StartWith(Path.Combine(_dir, "nope") + ": "));
        });
    }
}
