using System.Text.Json;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Checks;
using WeightGuard.Core.Checks.Kinds;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Evidence;
using WeightGuard.Core.Reports;
using static WeightGuard.Core.Tests.EvaluatorTests;

namespace WeightGuard.Core.Tests;

public class CheckKindTests
{
    private static CheckOutcome Run(ICheck check, Evidence.Evidence evidence, params (string Name, ParamValue Value)[] overrides) =>
        Checks.CheckHarness.Run(check, evidence, overrides);

    /// <summary>The words every evidence-fact control writes for its findings.</summary>
    private static readonly (string, ParamValue)[] FactWords =
        [("fact-name", ParamValue.Of("the lockdown mode")), ("pass-message", ParamValue.Of("lockdown is {value}")), ("fail-message", ParamValue.Of("Lockdown is {value}: root can change the kernel"))];

    [TestCase("equals", new[] { "integrity" }, "integrity", ControlStatus.Pass)]
    [TestCase("equals", new[] { "integrity" }, "none", ControlStatus.Fail)]
    [TestCase("one-of", new[] { "integrity", "confidentiality" }, "confidentiality", ControlStatus.Pass)]
    [TestCase("one-of", new[] { "integrity", "confidentiality" }, "none", ControlStatus.Fail)]
    public void EvidenceFactComparesStrings(string op, string[] values, string lockdown, ControlStatus expected) =>
        Assert.That(Run(new EvidenceFactCheck(), Host(platform: new PlatformEvidence { Lockdown = lockdown }),
            [("fact", ParamValue.Of("/platform/lockdown")), ("operator", ParamValue.Of(op)), ("values", ParamValue.Of(values)), .. FactWords]).Status, Is.EqualTo(expected));

    [TestCase("at-least", "1", 1, ControlStatus.Pass)]
    [TestCase("at-least", "1", 0, ControlStatus.Fail)]
    [TestCase("at-most", "0", 0, ControlStatus.Pass)]
    [TestCase("at-most", "0", 2, ControlStatus.Fail)]
    public void EvidenceFactComparesNumbers(string op, string bound, int scope, ControlStatus expected) =>
        Assert.That(Run(new EvidenceFactCheck(), Host(platform: new PlatformEvidence { PtraceScope = scope }),
            [("fact", ParamValue.Of("/platform/ptraceScope")), ("operator", ParamValue.Of(op)), ("values", ParamValue.Of([bound])), .. FactWords]).Status, Is.EqualTo(expected));

    [Test]
    public void EvidenceFactFindingsUseTheControlsWordsNotThePointer()
    {
        (string, ParamValue)[] lockdown = [("fact", ParamValue.Of("/platform/lockdown")), ("operator", ParamValue.Of("one-of")), ("values", ParamValue.Of(["integrity", "confidentiality"])), .. FactWords];
        var fail = Run(new EvidenceFactCheck(), Host(platform: new PlatformEvidence { Lockdown = "none" }), lockdown);
        Assert.That((fail.Status, fail.Message), Is.EqualTo((ControlStatus.Fail, "Lockdown is none: root can change the kernel. Required: integrity or confidentiality.")));
        Assert.That(fail.Evidence, Is.EqualTo(new[] { "/evidence/platform/lockdown" }), "the pointer stays, as the evidence link");
        Assert.That(Run(new EvidenceFactCheck(), Host(platform: new PlatformEvidence { Lockdown = "integrity" }), lockdown).Message, Is.EqualTo("Lockdown is integrity."));
        var unread = Run(new EvidenceFactCheck(), Host() with { Failures = [new CollectorFailure("platform", "permission denied")] }, lockdown);
        Assert.That((unread.Status, unread.Message), Is.EqualTo((ControlStatus.Error, "Could not check because WeightGuard could not read the lockdown mode (permission denied).")));
        var scope = Run(new EvidenceFactCheck(), Host(platform: new PlatformEvidence { PtraceScope = 0 }),
            [("fact", ParamValue.Of("/platform/ptraceScope")), ("operator", ParamValue.Of("at-least")), ("values", ParamValue.Of(["1"])), .. FactWords]);
        Assert.That(scope.Message, Does.EndWith(". Required: at least 1."));
    }

    [Test]
    public void EvidenceFactWithoutWordsIsRejected()
    {
        var problems = new EvidenceFactCheck().Validate(new Dictionary<string, ParamValue>
        {
            ["fact"] = ParamValue.Of("/platform/lockdown"), ["operator"] = ParamValue.Of("is-true"), ["values"] = ParamValue.Of([]),
            ["fact-name"] = ParamValue.Of("the lockdown mode"), ["pass-message"] = ParamValue.Of("on"), ["fail-message"] = ParamValue.Of(" "),
        }).ToList();
        Assert.That(problems, Is.EqualTo(new[] { "'fail-message' must say in words what the finding is (the JSON pointer means nothing to a reader)" }));
    }

    [Test]
    public void EvidenceFactOnATextValueWithANumericOperatorIsAnErrorNotACrash()
    {
        var catalog = CatalogLoader.Load([CatalogText.Control("WG-PLAT-001", "evidence-fact", paramsBlock: "  params:\n    fact: /platform/lockdown\n    operator: at-least\n    values: [\"1\"]\n    fact-name: the lockdown mode\n    pass-message: Lockdown is {value}.\n    fail-message: Lockdown is {value}")],
            [CatalogText.Profile("p", "WG-PLAT-001")]).Catalog!;
        var result = Evaluator.Evaluate(catalog, "p", Host(platform: new PlatformEvidence { Lockdown = "none" }), DateTimeOffset.UnixEpoch).Results.Single();
        Assert.That((result.Status, result.Message), Is.EqualTo((ControlStatus.Error, "Could not check because WeightGuard's 'evidence-fact' check could not judge the evidence it collected ('\"none\"' is not a number); this is a fault in WeightGuard, please report it.")));
    }

    [Test]
    public void ReadersOutsideTheAllowListFail()
    {
        var evidence = Host(access: Access(File("/m/a.gguf", "0640", new Reader("svc", 990, false, "owner"), new Reader("bob", 1001, true, "acl-user"))));
        var outcome = Run(new WeightReadersAllowedCheck(), evidence, ("allowed-readers", ParamValue.Of(["svc"])));
        Assert.That(outcome.Status, Is.EqualTo(ControlStatus.Fail));
        Assert.That(outcome.Message, Does.Contain("bob"));
        Assert.That(Run(new WeightReadersAllowedCheck(), evidence, ("max-readers", ParamValue.Of("1"))).Status, Is.EqualTo(ControlStatus.Fail));
        Assert.That(Run(new WeightReadersAllowedCheck(), evidence).Status, Is.EqualTo(ControlStatus.Pass));
    }

    [Test]
    public void RootOwnedWeightsFailUnlessAllowed()
    {
        var rootOwned = Access(File("/m/a.gguf", "0600") with { Owner = "root", Uid = 0 });
        Assert.That(Run(new WeightsOwnedByServiceAccountCheck(), Host(access: rootOwned)).Status, Is.EqualTo(ControlStatus.Fail));
        Assert.That(Run(new WeightsOwnedByServiceAccountCheck(), Host(access: rootOwned), ("allow-root", ParamValue.Of("true"))).Status, Is.EqualTo(ControlStatus.Pass));
    }

    [Test]
    public void KeyFilesWithGroupAccessFail()
    {
        var keys = new KeyEvidence
        {
            Files = [new KeyFile { Path = "/srv/luks.key", Kind = "named-key-file", Location = "beside-weights", Mode = "0640", Owner = "root", Group = "root" }],
            Errors = [],
        };
        var evidence = Host() with { Keys = keys };
        Assert.That(Run(new KeyFilesPrivateCheck(), evidence).Message, Does.Contain("mode 0640"));
        Assert.That(Run(new KeysNotWithWeightsCheck(), evidence).Status, Is.EqualTo(ControlStatus.Fail));
    }

    [TestCase("bios", null, null, ControlStatus.Fail)]
    [TestCase("uefi", true, false, ControlStatus.Pass)]
    [TestCase("uefi", true, true, ControlStatus.Fail)]
    [TestCase("uefi", false, false, ControlStatus.Fail)]
    [TestCase("uefi", null, null, ControlStatus.Error)]
    public void SecureBoot(string firmware, bool? on, bool? setup, ControlStatus expected) =>
        Assert.That(Run(new SecureBootEnabledCheck(), Host() with { Boot = new BootEvidence { Firmware = firmware, SecureBoot = on, SetupMode = setup } }).Status,
            Is.EqualTo(expected));

    private static TpmEvidence Tpm(bool present = true, string version = "2.0", int ekCerts = 1, TpmEventLogFact? log = null, string? error = null) => new()
    {
        Present = present, Source = "device:/dev/tpmrm0", Version = present ? version : null, Manufacturer = "IFX", FirmwareVersion = "7.85.0.0",
        EkCertificates = Enumerable.Range(0, ekCerts).Select(_ => new TpmEkCertificateFact("0x01C00002", "rsa2048", "CN=Vendor EK CA")).ToList(),
        EventLog = log, Error = error,
    };

    [TestCase(true, "2.0", 1, true, ControlStatus.Pass)]
    [TestCase(true, "2.0", 0, true, ControlStatus.Fail)]
    [TestCase(true, "2.0", 0, false, ControlStatus.Pass)]
    [TestCase(true, "1.2", 1, true, ControlStatus.Fail)]
    [TestCase(false, "", 0, true, ControlStatus.Fail)]
    public void TpmAttestationReady(bool present, string version, int ekCerts, bool requireCert, ControlStatus expected) =>
        Assert.That(Run(new TpmAttestationReadyCheck(), Host() with { Tpm = Tpm(present, version, ekCerts) },
            ("require-ek-certificate", ParamValue.Of(requireCert ? "true" : "false"))).Status, Is.EqualTo(expected));

    [Test]
    public void TpmThatCouldNotBeReadIsAnErrorAndMissingDomainToo()
    {
        Assert.That(Run(new TpmAttestationReadyCheck(), Host() with { Tpm = Tpm(false, error: "TPM_RC_FAILURE") }).Status, Is.EqualTo(ControlStatus.Error));
        Assert.That(Run(new TpmAttestationReadyCheck(), Host()).Status, Is.EqualTo(ControlStatus.Error));
    }

    [TestCase(true, true, ControlStatus.Pass)]
    [TestCase(true, null, ControlStatus.Pass)]
    [TestCase(true, false, ControlStatus.Fail)]
    [TestCase(false, true, ControlStatus.Fail)]
    [TestCase(null, true, ControlStatus.Error)]
    public void MeasuredBootConsistent(bool? matches, bool? secureBoot, ControlStatus expected)
    {
        var log = new TpmEventLogFact
        {
            Path = "/sys/kernel/security/tpm0/binary_bios_measurements", Events = 40, MatchesPcrs = matches, SecureBoot = secureBoot,
            Mismatches = matches == false ? ["sha256:7 is 00, the log explains 11"] : [],
        };
        var outcome = Run(new MeasuredBootConsistentCheck(), Host() with { Tpm = Tpm(log: log) });
        Assert.That(outcome.Status, Is.EqualTo(expected));
        if (matches == false) Assert.That(outcome.Message, Does.Contain("sha256:7"));
    }

    [Test]
    public void MeasuredBootWithoutLogOrWithABrokenLogIsNotAPass()
    {
        Assert.That(Run(new MeasuredBootConsistentCheck(), Host() with { Tpm = Tpm() }).Status, Is.EqualTo(ControlStatus.Fail));
        var broken = new TpmEventLogFact { Path = "/x", Events = 0, Error = "offset 77: event data needs 9 bytes but only 2 remain" };
        Assert.That(Run(new MeasuredBootConsistentCheck(), Host() with { Tpm = Tpm(log: broken) }).Status, Is.EqualTo(ControlStatus.Error));
    }

    [TestCase("gpu-*", "GPU-07", true)]
    [TestCase("gpu-??", "gpu-7", false)]
    [TestCase("*", "anything", true)]
    [TestCase("a*b*c", "aXXbYYc", true)]
    [TestCase("a*b*c", "aXXbYY", false)]
    public void GlobMatchesLikeAShell(string pattern, string text, bool expected) => Assert.That(Glob.IsMatch(pattern, text), Is.EqualTo(expected));

    [Test]
    public void GlobOnHostileInputIsLinear() =>
        Assert.That(Glob.IsMatch(string.Concat(Enumerable.Repeat("*a", 200)) + "b", new string('a', 100_000)), Is.False);
}
