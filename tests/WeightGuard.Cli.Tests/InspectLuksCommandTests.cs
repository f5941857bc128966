using System.Text;
using System.Text.Json;
using WeightGuard.Collectors.Tests.Disk;
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
            Assert.That(root.GetProperty("findings").GetArrayLength(), Is.Zero, "kdf costs are judged by the checks, not here");
            Assert.That(root.GetProperty("segmentType").GetString(), Is.EqualTo("crypt"));
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

    private static readonly string[] Fast = ["--type", "luks2", "--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000"];

    /// <summary>Imports a token with <c>cryptsetup token import</c>, which checks only its type and keyslots.</summary>
    private static void ImportToken(string image, string json)
    {
        var (code, _, stderr) = ExternalTool.Run(ExternalTool.Require("cryptsetup"), ["token", "import", image], stdin: json);
        Assert.That(code, Is.Zero, stderr);
    }

    private static string ClevisToken(string protectedHeader) =>
        """{"type":"clevis","keyslots":["0"],"jwe":{"protected":""" + $"\"{protectedHeader}\"" + "}}";

    private static string Protected(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Regression: a clevis sss threshold written as a string crashed the token reader (InvalidOperationException).</summary>
    [Test]
    public void Clevis_sss_threshold_of_the_wrong_type_is_read_as_unknown()
    {
        var image = Format(Fast);
        var inner = Protected("""{"alg":"ECDH-ES","clevis":{"pin":"tpm2","tpm2":{"pcr_ids":"7"}}}""");
        var sss = Protected("""{"alg":"ECDH-ES","clevis":{"pin":"sss","sss":{"t":"1","jwe":[""" + $"\"{inner}.x.y.z.w\"" + "]}}}");
        ImportToken(image, ClevisToken(sss));
        var (code, stdout, stderr) = Weightguard("inspect", "luks", image);
        Assert.That((code, stderr), Is.EqualTo((0, "")));
        var token = JsonDocument.Parse(stdout).RootElement.GetProperty("tokens")[0];
        Assert.Multiple(() =>
        {
            Assert.That(token.GetProperty("clevisPin").GetString(), Is.EqualTo("sss"));
            Assert.That(token.TryGetProperty("clevisSssThreshold", out _), Is.False);
            Assert.That(token.GetProperty("tpm2Pcrs")[0].GetInt32(), Is.EqualTo(7));
        });
    }

    /// <summary>Regression: clevis tpm2 pcr_ids as an array of strings crashed the token reader; the PCRs are read.</summary>
    [Test]
    public void Clevis_pcr_ids_as_strings_are_read()
    {
        var image = Format(Fast);
        ImportToken(image, ClevisToken(Protected("""{"clevis":{"pin":"tpm2","tpm2":{"pcr_ids":["0","7"],"pcr_bank":"sha256"}}}""")));
        var (code, stdout, stderr) = Weightguard("inspect", "luks", image);
        Assert.That((code, stderr), Is.EqualTo((0, "")));
        var pcrs = JsonDocument.Parse(stdout).RootElement.GetProperty("tokens")[0].GetProperty("tpm2Pcrs");
        Assert.That(pcrs.EnumerateArray().Select(p => p.GetInt32()), Is.EqualTo(new[] { 0, 7 }));
    }

    /// <summary>Token fields cryptsetup does not validate may hold any type: the header is read, the field is absent.</summary>
    [Test]
    public void Token_fields_of_unexpected_types_do_not_refuse_the_header()
    {
        var image = Format(Fast);
        ImportToken(image, """{"type":"systemd-tpm2","keyslots":["0"],"tpm2-blob":"AA==","tpm2-pcrs":[7],"tpm2-pcr-bank":"sha256","tpm2-policy-hash":"00","tpm2-pin":false}""");
        Luks2Rewriter.EditJson(image, j => j.Replace("\"tpm2-pcrs\":[7]", "\"tpm2-pcrs\":\"7\"").Replace("\"tpm2-pin\":false", "\"tpm2-pin\":\"yes\"")
            .Replace("\"tpm2-pcr-bank\":\"sha256\"", "\"tpm2-pcr-bank\":1"));
        var (code, stdout, stderr) = Weightguard("inspect", "luks", image);
        Assert.That((code, stderr), Is.EqualTo((0, "")));
        Assert.That(ExternalTool.Run(ExternalTool.Require("cryptsetup"), ["isLuks", image]).ExitCode, Is.Zero, "cryptsetup accepts it too");
        Assert.That(JsonDocument.Parse(stdout).RootElement.GetProperty("tokens")[0].GetProperty("type").GetString(), Is.EqualTo("systemd-tpm2"));
    }

    /// <summary>Regression: a keyslot af that is not an object crashed the metadata reader. cryptsetup rejects such a
    /// luks2 keyslot: in both copies the header is refused in one line; in the primary only, the secondary is used.</summary>
    [Test]
    public void Keyslot_af_that_is_not_an_object_is_refused_in_one_line_or_recovered()
    {
        var image = Format(Fast);
        var both = Path.Combine(_dir, "both.img");
        File.Copy(image, both);
        Luks2Rewriter.EditJson(both, j => j.Replace("\"af\":{\"type\":\"luks1\",\"stripes\":4000,\"hash\":\"sha256\"}", "\"af\":42"));
        Luks2Rewriter.EditJson(image, j => j.Replace("\"af\":{\"type\":\"luks1\",\"stripes\":4000,\"hash\":\"sha256\"}", "\"af\":[1]"), secondary: false);
        var refused = Weightguard("inspect", "luks", both);
        var recovered = Weightguard("inspect", "luks", image);
        Assert.Multiple(() =>
        {
            Assert.That((refused.Code, refused.Stdout), Is.EqualTo((2, "")));
            Assert.That(refused.Stderr.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1));
            Assert.That(refused.Stderr, Does.Contain("primary header fails validation: keyslot 0: af is not an object").And.Not.Contain(" at "));
            Assert.That(recovered.Code, Is.Zero, recovered.Stderr);
            var finding = JsonDocument.Parse(recovered.Stdout).RootElement.GetProperty("findings")[0];
            Assert.That(finding.GetProperty("code").GetString(), Is.EqualTo("header-copy-damaged"));
            Assert.That(finding.GetProperty("message").GetString(), Does.StartWith("primary header fails validation: keyslot 0: af is not an object; using the secondary copy"));
        });
    }

    /// <summary>An OPAL-only segment is reported as drive encryption with its own finding, not as "not encrypted".</summary>
    [Test]
    public void Opal_segment_is_reported_as_drive_encryption()
    {
        var image = Format(Fast);
        Luks2Rewriter.EditJson(image, j =>
        {
            var start = j.IndexOf("\"segments\":{", StringComparison.Ordinal);
            var end = j.IndexOf("},\"digests\"", start, StringComparison.Ordinal) + 1;
            const string opal = """{"0":{"type":"hw-opal","offset":"16777216","size":"4194304","opal_segment_number":1,"opal_key_size":32,"opal_segment_size":"4194304"}}""";
            return j[..start] + "\"segments\":" + opal + j[end..];
        });
        var (code, stdout, stderr) = Weightguard("inspect", "luks", image);
        Assert.That(code, Is.Zero, stderr);
        var root = JsonDocument.Parse(stdout).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("segmentType").GetString(), Is.EqualTo("hw-opal"));
            Assert.That(root.GetProperty("encrypted").GetBoolean(), Is.True);
            Assert.That(root.GetProperty("keyBits").GetInt32(), Is.EqualTo(256));
            Assert.That(root.GetProperty("findings")[0].GetProperty("code").GetString(), Is.EqualTo("opal-drive-managed"));
        });
    }
}
