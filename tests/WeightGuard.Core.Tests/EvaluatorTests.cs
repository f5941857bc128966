using System.Text.Json;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Evidence;
using WeightGuard.Core.Reports;
using static WeightGuard.Core.Tests.CatalogText;

namespace WeightGuard.Core.Tests;

public class EvaluatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    internal static Evidence.Evidence Host(string hostname = "gpu-01", AccessEvidence? access = null, PlatformEvidence? platform = null,
        IReadOnlyList<CollectorFailure>? failures = null) => new()
    {
        Host = new HostIdentity { Hostname = hostname, Os = "Test OS", Kernel = "6.1.0", Arch = "x64", Platform = "linux" },
        Weights = new WeightInventory { Roots = [new WeightRoot("/models", "scanned", null)], Files = [], Mismatched = [], Errors = [], EntriesVisited = 3, Truncated = false },
        Access = access,
        Platform = platform,
        Failures = failures ?? [],
    };

    internal static WeightGuard.Core.Evidence.WeightFileAccess File(string path, string mode, params Reader[] readers) => new()
    {
        Path = path, Mode = mode, Owner = "weights", Uid = 990, Group = "weights", Gid = 990, Acl = [], OwnerHasLoginShell = false,
        WorldReadable = (Convert.ToInt32(mode, 8) & 4) != 0, WorldWritable = (Convert.ToInt32(mode, 8) & 2) != 0, Readers = readers,
    };

    internal static AccessEvidence Access(params WeightGuard.Core.Evidence.WeightFileAccess[] files) =>
        new() { Files = files, Directories = [], HumanAccounts = ["alice"], Errors = [] };

    private static Catalog.Catalog Catalog(params CatalogSource[] waivers) => Load(
        [Control("WG-ACL-001", rand: "SL1"), Control("WG-ACL-004", "weights-no-human-readers", rand: "SL2"),
         Control("WG-PLAT-001", "evidence-fact", rand: "SL3", paramsBlock: "  params:\n    fact: /platform/lockdown\n    operator: one-of\n    values: [integrity, confidentiality]\n    fact-name: the lockdown mode\n    pass-message: Lockdown is {value}.\n    fail-message: Lockdown is {value}")],
        [Profile("rand-sl1", "WG-ACL-001"), Profile("rand-sl2", "WG-ACL-004", "rand-sl1"), Profile("rand-sl3", "WG-PLAT-001", "rand-sl2")], waivers).Catalog!;

    private static CatalogSource Waiver(string hosts, string expires) => new("waivers/w.yaml", $"""
        waivers:
          - control: WG-ACL-004
            hosts: "{hosts}"
            justification: research cluster, people need to debug
            approver: ciso@example.com
            expires: {expires}
        """);

    [Test]
    public void SameEvidenceGivesIdenticalBytesAlsoAfterAJsonRoundTrip()
    {
        var evidence = Host(access: Access(File("/models/a.safetensors", "0640", new Reader("alice", 1000, true, "group:weights"))),
            platform: new PlatformEvidence { Lockdown = "none" });
        var catalog = Catalog();
        string Run(Evidence.Evidence e) => JsonSerializer.Serialize(Evaluator.Evaluate(catalog, "rand-sl3", e, Now).Results.ToList(), TestJson.Default.ListControlResult);

        var first = Run(evidence);
        var roundTripped = JsonSerializer.Deserialize(JsonSerializer.Serialize(evidence, WeightGuardJsonContext.Default.Evidence), WeightGuardJsonContext.Default.Evidence)!;
        Assert.That(Run(evidence), Is.EqualTo(first));
        Assert.That(Run(roundTripped), Is.EqualTo(first));
    }

    [Test]
    public void MissingDomainIsAnErrorWithTheCollectorsReasonNeverAPass()
    {
        var evidence = Host(failures: [new CollectorFailure("access", "permission denied: /etc/passwd")]);
        var results = Evaluator.Evaluate(Catalog(), "rand-sl3", evidence, Now).Results.ToDictionary(r => r.ControlId);
        Assert.Multiple(() =>
        {
            Assert.That(results["WG-ACL-001"].Status, Is.EqualTo(ControlStatus.Error));
            Assert.That(results["WG-ACL-001"].Message, Does.Contain("permission denied: /etc/passwd"));
            Assert.That(results["WG-PLAT-001"].Status, Is.EqualTo(ControlStatus.Error));
            Assert.That(results["WG-PLAT-001"].Message, Is.EqualTo("Could not check because WeightGuard did not observe the lockdown mode on this host."));
        });
    }

    [Test]
    public void HostControlsMetIsTheHighestLevelWhoseControlsAllHoldWhateverProfileWasJudged()
    {
        var catalog = Catalog();
        var clean = Access(File("/models/a.safetensors", "0600"));
        Assert.Multiple(() =>
        {
            Assert.That(Evaluator.Evaluate(catalog, "rand-sl3", Host(access: clean, platform: new PlatformEvidence { Lockdown = "integrity" }), Now).Summary.Rand.HostControlsMet, Is.EqualTo("SL3"));
            Assert.That(Evaluator.Evaluate(catalog, "rand-sl3", Host(access: clean, platform: new PlatformEvidence { Lockdown = "none" }), Now).Summary.Rand.HostControlsMet, Is.EqualTo("SL2"));
            Assert.That(Evaluator.Evaluate(catalog, "rand-sl3", Host(access: Access(File("/models/a.safetensors", "0644"))), Now).Summary.Rand.HostControlsMet, Is.EqualTo("SL0"));
            // The ladder is climbed with the rand-sl profiles themselves, not with the profile a report was judged against.
            Assert.That(Evaluator.Evaluate(catalog, "rand-sl2", Host(access: clean, platform: new PlatformEvidence { Lockdown = "integrity" }), Now).Summary.Rand.HostControlsMet, Is.EqualTo("SL3"));
        });
    }

    [Test]
    public void ValidWaiverTurnsAFailureIntoWaivedButNeverMeetsTheLevel()
    {
        var evidence = Host(access: Access(File("/models/a.safetensors", "0640", new Reader("alice", 1000, true, "group:weights"))));
        var plain = Evaluator.Evaluate(Catalog(), "rand-sl2", evidence, Now);
        var waived = Evaluator.Evaluate(Catalog(Waiver("GPU-*", "2026-06-01")), "rand-sl2", evidence, Now);
        var result = waived.Results.Single(r => r.ControlId == "WG-ACL-004");
        Assert.Multiple(() =>
        {
            Assert.That(plain.Results.Single(r => r.ControlId == "WG-ACL-004").Status, Is.EqualTo(ControlStatus.Fail));
            Assert.That(plain.Summary.Rand.HostControlsMet, Is.EqualTo("SL1"));
            Assert.That(result.Status, Is.EqualTo(ControlStatus.Waived), "the expiry day itself is still valid; host glob ignores case");
            Assert.That(result.Waiver, Is.EqualTo(new WaiverNote("ciso@example.com", "research cluster, people need to debug", new DateOnly(2026, 6, 1), false)));
            Assert.That(waived.Summary.Rand.HostControlsMet, Is.EqualTo("SL1"), "a waiver is an accepted risk, not a met control");
            Assert.That(waived.Summary.Waived, Is.EqualTo(1));
        });
    }

    [Test]
    public void ExpiredWaiverIsIgnoredAndTheReportSaysSo()
    {
        var evidence = Host(access: Access(File("/models/a.safetensors", "0640", new Reader("alice", 1000, true, "group:weights"))));
        var result = Evaluator.Evaluate(Catalog(Waiver("gpu-*", "2026-05-31")), "rand-sl2", evidence, Now).Results.Single(r => r.ControlId == "WG-ACL-004");
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(ControlStatus.Fail));
            Assert.That(result.Waiver!.Expired, Is.True);
            Assert.That(result.Message, Does.Contain("expired on 2026-05-31 and was ignored"));
        });
    }

    [Test]
    public void WaiverForAnotherHostDoesNotApply()
    {
        var evidence = Host("db-01", Access(File("/models/a.safetensors", "0640", new Reader("alice", 1000, true, "group:weights"))));
        var result = Evaluator.Evaluate(Catalog(Waiver("gpu-*", "2030-01-01")), "rand-sl2", evidence, Now).Results.Single(r => r.ControlId == "WG-ACL-004");
        Assert.That((result.Status, result.Waiver), Is.EqualTo((ControlStatus.Fail, (WaiverNote?)null)));
    }

    [Test]
    public void ControlForAnotherPlatformIsNotApplicable()
    {
        var linuxOnly = Load([new CatalogSource("controls/WG-PLAT-001.yaml", Control("WG-PLAT-001").Text.Replace("platforms: [linux, windows]", "platforms: [windows]"))],
            [Profile("p", "WG-PLAT-001")]).Catalog!;
        var result = Evaluator.Evaluate(linuxOnly, "p", Host(), Now).Results.Single();
        Assert.That(result.Status, Is.EqualTo(ControlStatus.NotApplicable));
    }

    [Test]
    public void FailingResultsCarryRemediationAndEvidencePointersThatResolve()
    {
        var evidence = Host(access: Access(File("/models/ok.gguf", "0600"), File("/models/open.gguf", "0644")));
        var result = Evaluator.Evaluate(Catalog(), "rand-sl1", evidence, Now).Results.Single();
        var json = JsonSerializer.SerializeToElement(evidence, WeightGuardJsonContext.Default.Evidence);
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(ControlStatus.Fail));
            Assert.That(result.Message, Does.Contain("/models/open.gguf is world-readable"));
            Assert.That(result.Remediation, Is.EqualTo("Fix it."));
            Assert.That(result.Evidence, Is.EqualTo(new[] { "/evidence/access/files/1" }));
            var resolved = WeightGuard.Core.Checks.Kinds.EvidenceFactCheck.Resolve(json, result.Evidence[0]["/evidence".Length..]);
            Assert.That(resolved!.Value.GetProperty("path").GetString(), Is.EqualTo("/models/open.gguf"));
        });
    }

    [Test]
    public void ErrorResultsCarryGuidanceNotRemediation()
    {
        var result = Evaluator.Evaluate(Catalog(), "rand-sl1", Host() with { Failures = [new CollectorFailure("access", "permission denied")] }, Now).Results.Single();
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(ControlStatus.Error));
            Assert.That(result.Message, Is.EqualTo("Could not check because WeightGuard could not read who can read the weight files (permission denied)."));
            Assert.That(result.Guidance, Is.EqualTo("Let the agent read it."));
            Assert.That(result.Remediation, Is.Null, "the fix for a failure is not what lets WeightGuard check");
        });
        var failing = Evaluator.Evaluate(Catalog(), "rand-sl1", Host(access: Access(File("/models/open.gguf", "0644"))), Now).Results.Single();
        Assert.That((failing.Remediation, failing.Guidance), Is.EqualTo(("Fix it.", (string?)null)));
    }

    [Test]
    public void APersonReadingWeightsByTwoRoutesIsNamedOnceWithBothReasons()
    {
        var evidence = Host(access: Access(
            File("/models/a.gguf", "0640", new Reader("alice", 1000, true, "group:weights")),
            File("/models/b.gguf", "0600", new Reader("alice", 1000, true, "acl-user"), new Reader("bob", 1001, true, "acl-group:ml"))));
        var outcome = new WeightGuard.Core.Checks.Kinds.WeightsNoHumanReadersCheck().Evaluate(
            new WeightGuard.Core.Checks.CheckContext(evidence, new Dictionary<string, ParamValue>(), new Lazy<JsonElement>(() => default)));
        Assert.That(outcome.Message, Is.EqualTo("People can read the weights directly, outside any permitted interface: " +
            "alice (through the group weights and an ACL entry naming them), bob (through an ACL entry for the group ml); e.g. /models/a.gguf."));
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(List<ControlResult>))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(Converters = [typeof(KebabCaseEnumConverter<ControlStatus>), typeof(KebabCaseEnumConverter<Severity>)])]
internal sealed partial class TestJson : System.Text.Json.Serialization.JsonSerializerContext;
