using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Json.Schema;
using WeightGuard.Testing;

namespace WeightGuard.Cli.Tests;

[NonParallelizable]
public class ScanCommandTests
{
    private string _root = null!;
    private string _out = null!;

    [OneTimeSetUp]
    public void BuildTree()
    {
        _root = Directory.CreateTempSubdirectory("wg-cli-").FullName;
        _out = Directory.CreateTempSubdirectory("wg-out-").FullName;
        Directory.CreateDirectory(Path.Combine(_root, "etc"));
        File.WriteAllText(Path.Combine(_root, "etc/passwd"), "root:x:0:0::/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n");
        File.WriteAllText(Path.Combine(_root, "etc/group"), "root:x:0:\nalice:x:1000:\n");
        File.WriteAllText(Path.Combine(_root, "etc/os-release"), "PRETTY_NAME=\"Test Linux 1\"\nID=test\n");
        File.WriteAllText(Path.Combine(_root, "etc/hostname"), "gpu-test-01\n");
        Directory.CreateDirectory(Path.Combine(_root, "models"));
        File.WriteAllBytes(Path.Combine(_root, "models/m.gguf"), [.. "GGUF"u8, 3, 0, 0, 0]);
        File.SetUnixFileMode(Path.Combine(_root, "models/m.gguf"), (UnixFileMode)0b110_100_100);
    }

    [OneTimeTearDown]
    public void Clean()
    {
        Directory.Delete(_root, true);
        Directory.Delete(_out, true);
    }

    internal static readonly JsonSchema Schema = JsonSchema.FromFile(Path.Combine(RepoPaths.Root, "schemas", "weightguard.report.v1.schema.json"));

    [Test]
    public void JsonReportValidatesAgainstThePublishedSchema()
    {
        var output = Path.Combine(_out, "r.json");
        var (code, _, err) = WeightGuardProcess.Run("scan", "--root", _root, "--weights", "/models", "--profile", "rand-sl3", "--format", "json", "--output", output);
        Assert.That(code, Is.EqualTo(1), err);
        var json = JsonNode.Parse(File.ReadAllText(output));
        var result = Schema.Evaluate(JsonSerializer.SerializeToElement(json), new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        Assert.That(result.IsValid, Is.True, string.Join("\n", result.Details?.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")) ?? []));
        Assert.Multiple(() =>
        {
            Assert.That(json!["host"]!["hostname"]!.GetValue<string>(), Is.EqualTo("gpu-test-01"));
            var acl = json["results"]!.AsArray().Single(r => r!["controlId"]!.GetValue<string>() == "WG-ACL-001")!;
            Assert.That(acl["status"]!.GetValue<string>(), Is.EqualTo("fail"));
            Assert.That(acl["message"]!.GetValue<string>(), Does.Contain("/models/m.gguf is world-readable"));
            Assert.That(err, Does.Contain("report written to " + output));
        });
    }

    [Test]
    public void TheEvidenceDoesNotDependOnTheProfileScannedWith()
    {
        // The aggregator judges the evidence against the profiles its policy assigns, so the profile an agent runs with
        // must change what it prints, never what it collects.
        JsonNode Evidence(string profile)
        {
            var (_, stdout, err) = WeightGuardProcess.Run("scan", "--root", _root, "--weights", "/models", "--profile", profile, "--format", "json");
            return JsonNode.Parse(stdout)?["evidence"] ?? throw new AssertionException("no evidence: " + err);
        }
        var low = Evidence("rand-sl1");
        var high = Evidence("rand-sl5");
        Assert.That(JsonNode.DeepEquals(low, high), Is.True, $"rand-sl1:\n{low}\nrand-sl5:\n{high}");
        Assert.That(Evidence("ncsc-secure-ai").ToJsonString(), Is.EqualTo(low.ToJsonString()));
    }

    [Test]
    public void SchemaRejectsAReportWithAnUnknownStatus()
    {
        var output = Path.Combine(_out, "bad.json");
        WeightGuardProcess.Run("scan", "--root", _root, "--weights", "/models", "--format", "json", "--output", output);
        var json = JsonNode.Parse(File.ReadAllText(output))!;
        json["results"]![0]!["status"] = "probably-fine";
        Assert.That(Schema.Evaluate(JsonSerializer.SerializeToElement(json)).IsValid, Is.False);
    }

    [Test]
    public void EveryFormatRendersTheSameVerdicts()
    {
        string Render(string format)
        {
            var path = Path.Combine(_out, "r." + format);
            var (code, _, err) = WeightGuardProcess.Run("scan", "--root", _root, "--weights", "/models", "--format", format, "--output", path);
            Assert.That(code, Is.EqualTo(1), err);
            return File.ReadAllText(path);
        }
        var report = JsonDocument.Parse(Render("json")).RootElement;
        var failed = report.GetProperty("summary").GetProperty("fail").GetInt32();

        var junit = XDocument.Parse(Render("junit")).Root!.Element("testsuite")!;
        Assert.That(int.Parse(junit.Attribute("failures")!.Value), Is.EqualTo(failed));
        Assert.That(junit.Elements("testcase").Count(), Is.EqualTo(report.GetProperty("results").GetArrayLength()));

        var ocsf = Render("ocsf").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.That(ocsf.All(e => e.GetProperty("class_uid").GetInt32() == 2003), Is.True);
        Assert.That(ocsf.Count(e => e.GetProperty("compliance").GetProperty("status").GetString() == "Fail"), Is.EqualTo(failed));

        var html = Render("html");
        Assert.Multiple(() =>
        {
            Assert.That(html, Does.StartWith("<!DOCTYPE html>"));
            Assert.That(html, Does.Contain("host controls met; attested"));
            Assert.That(html, Does.Not.Contain("<script").And.Not.Contain("src=\"http").And.Not.Contain("href=\"http"), "self-contained");
            Assert.That(html.IndexOf("WG-ACL-001", StringComparison.Ordinal), Is.LessThan(html.IndexOf("WG-MFA-001", StringComparison.Ordinal)), "failures come first");
        });
    }

    [Test]
    public void TableIsTheDefault()
    {
        var (code, stdout, _) = WeightGuardProcess.Run("scan", "--root", _root, "--weights", "/models");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stdout, Does.Contain("WG-ACL-001").And.Contain("RAND SL0 host controls met; attested SL0"));
    }

    [TestCase(new[] { "scan", "--profile", "rand-sl9" }, "unknown profile 'rand-sl9'")]
    [TestCase(new[] { "scan", "--weights", "models" }, "must be an absolute path")]
    [TestCase(new[] { "scan", "--root", "/nonexistent-root" }, "no such directory")]
    [TestCase(new[] { "scan", "--format", "pdf" }, "pdf")]
    [TestCase(new[] { "scan", "--waivers", "/nonexistent.yaml" }, "no such file")]
    [TestCase(new[] { "frobnicate" }, "frobnicate")]
    public void BadInputExitsTwoWithAMessage(string[] args, string message)
    {
        var (code, _, err) = WeightGuardProcess.Run(args);
        Assert.That((code, err), Is.EqualTo((2, err)).Using<(int, string)>((a, b) => a.Item1 == b.Item1));
        Assert.That(err, Does.Contain(message));
    }

    [Test]
    public void WaiverFileTurnsTheFailureIntoWaived()
    {
        var waivers = Path.Combine(_out, "waivers.yaml");
        File.WriteAllText(waivers, "waivers:\n  - control: WG-ACL-001\n    hosts: \"gpu-test-*\"\n    justification: shared test host\n    approver: ciso\n    expires: 2999-12-31\n");
        var output = Path.Combine(_out, "waived.json");
        WeightGuardProcess.Run("scan", "--root", _root, "--weights", "/models", "--profile", "rand-sl1", "--waivers", waivers, "--format", "json", "--output", output);
        var acl = JsonNode.Parse(File.ReadAllText(output))!["results"]!.AsArray().Single(r => r!["controlId"]!.GetValue<string>() == "WG-ACL-001")!;
        Assert.That(acl["status"]!.GetValue<string>(), Is.EqualTo("waived"));
        Assert.That(acl["waiver"]!["approver"]!.GetValue<string>(), Is.EqualTo("ciso"));
    }

    [Test]
    public void AnOrdinaryUserGetsErrorsForWhatItCannotReadNeverACrashOrAPass()
    {
        if (Environment.UserName != "root") Assert.Ignore("switching to another user needs root");
        var setpriv = ExternalTool.Require("setpriv");
        var locked = Directory.CreateTempSubdirectory("wg-locked-").FullName;
        File.SetUnixFileMode(locked, (UnixFileMode)0b111_000_000);
        try
        {
            var (code, stdout, stderr) = ExternalTool.Run(setpriv, ["--reuid=65534", "--regid=65534", "--clear-groups", "--", "dotnet", WeightGuardProcess.Dll,
                "scan", "--weights", locked, "--profile", "rand-sl1", "--format", "json"],
                env: new Dictionary<string, string> { ["HOME"] = "/tmp", ["DOTNET_CLI_HOME"] = "/tmp" });
            Assert.That(code, Is.EqualTo(1), stderr);
            var inventory = JsonNode.Parse(stdout)!["results"]!.AsArray().Single(r => r!["controlId"]!.GetValue<string>() == "WG-INV-001")!;
            Assert.That(inventory["status"]!.GetValue<string>(), Is.EqualTo("error"));
            Assert.That(inventory["message"]!.GetValue<string>(), Does.Contain("permission denied"));
        }
        finally
        {
            Directory.Delete(locked);
        }
    }
}
