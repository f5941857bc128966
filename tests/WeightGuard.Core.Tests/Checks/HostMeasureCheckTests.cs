using WeightGuard.Core.Catalog;
using WeightGuard.Core.Checks;
using WeightGuard.Core.Checks.Kinds;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Evidence;
using static WeightGuard.Core.Tests.Checks.CheckHarness;

namespace WeightGuard.Core.Tests.Checks;

/// <summary>
/// The check kinds of the host measures added for RAND's remaining host rows: encryption in transit to network storage,
/// human-knowable unlock secrets, application allow-listing, firmware security and endpoint detection.
/// </summary>
[TestFixture]
public sealed class HostMeasureCheckTests
{
    private static readonly SortedDictionary<string, string> NoOptions = new(StringComparer.Ordinal);

    private static NetworkStoragePath Net(string protocol, string source, params (string Key, string Value)[] options) =>
        new("/models", protocol, "/models", source, new SortedDictionary<string, string>(options.ToDictionary(o => o.Key, o => o.Value), StringComparer.Ordinal));

    private static CheckOutcome Transit(params NetworkStoragePath[] paths) =>
        Run(new WeightsEncryptedInTransitCheck(), Host() with { Transit = new TransitEvidence { Paths = paths } });

    [Test]
    public void Nfs_passes_only_with_kerberos_privacy_or_rpc_over_tls()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Transit(Net("nfs", "filer:/export", ("sec", "krb5p"), ("vers", "4.2"))).Status, Is.EqualTo(ControlStatus.Pass));
            Assert.That(Transit(Net("nfs", "filer:/export", ("sec", "sys"), ("xprtsec", "tls"))).Status, Is.EqualTo(ControlStatus.Pass));
            var integrityOnly = Transit(Net("nfs", "filer:/export", ("sec", "krb5i")));
            Assert.That((integrityOnly.Status, integrityOnly.Message), Is.EqualTo((ControlStatus.Fail, "/models (nfs filer:/export): sec=krb5i sends file contents in the clear (mount with sec=krb5p or xprtsec=tls)")));
            Assert.That(Transit(Net("nfs", "filer:/export")).Message, Does.Contain("sec=sys"), "no sec option is AUTH_SYS");
        });
    }

    [Test]
    public void Smb_needs_seal_ceph_secure_mode_and_9p_a_virtio_transport()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Transit(Net("smb", "//filer/models", ("seal", "true"), ("vers", "3.1.1"))).Status, Is.EqualTo(ControlStatus.Pass));
            Assert.That(Transit(Net("smb", "//filer/models", ("vers", "3.1.1"))).Message, Does.Contain("without seal"));
            Assert.That(Transit(Net("ceph", "10.0.0.1:6789:/", ("ms_mode", "secure"))).Status, Is.EqualTo(ControlStatus.Pass));
            Assert.That(Transit(Net("ceph", "10.0.0.1:6789:/", ("ms_mode", "crc"))).Status, Is.EqualTo(ControlStatus.Fail));
            Assert.That(Transit(Net("9p", "models", ("trans", "virtio"))).Status, Is.EqualTo(ControlStatus.Pass));
            Assert.That(Transit(Net("9p", "models", ("trans", "tcp"))).Status, Is.EqualTo(ControlStatus.Fail));
            Assert.That(Transit(Net("virtiofs", "models")).Status, Is.EqualTo(ControlStatus.Pass));
            Assert.That(Transit(Net("glusterfs", "gl:/vol")).Message, Does.Contain("glusterfs has no encryption on the wire"));
        });
    }

    [Test]
    public void Iscsi_fails_unless_the_operator_lists_its_target_as_protected()
    {
        var iscsi = Net("iscsi", "iqn.2004-04.com.example:models", ("session", "session1"), ("headerDigest", "CRC32C"), ("dataDigest", "CRC32C"));
        var evidence = Host() with { Transit = new TransitEvidence { Paths = [iscsi] } };
        var plain = Run(new WeightsEncryptedInTransitCheck(), evidence);
        var trusted = Run(new WeightsEncryptedInTransitCheck(), evidence, ("trusted-iscsi-targets", ParamValue.Of(["iqn.2004-04.com.example:models"])));
        Assert.Multiple(() =>
        {
            Assert.That(plain.Status, Is.EqualTo(ControlStatus.Fail));
            Assert.That(plain.Message, Does.Contain("digests are checksums"));
            AssertPointersResolve(evidence, plain);
            Assert.That(trusted.Status, Is.EqualTo(ControlStatus.Pass));
        });
    }

    [Test]
    public void Local_storage_passes_and_missing_evidence_is_an_error()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Transit().Message, Is.EqualTo("no weight path is on network storage"));
            Assert.That(Run(new WeightsEncryptedInTransitCheck(), Host() with { Failures = [new CollectorFailure("transit", "the storage chains could not be resolved")] }).Status,
                Is.EqualTo(ControlStatus.Error));
        });
    }

    private static EncryptedVolume Volume(string name, string type, LuksSummary? luks, params UnlockMethod[] unlock) =>
        new(name, type, "/dev/sdb1", "aes-xts-plain64", 512, luks, null, unlock, []);

    private static LuksSummary Luks(params int[] slots) => new(2, "0b7a6c2e-5d41-4c1e-9f3a-7e2d1c0b9a88", null, "aes-xts-plain64", 512, 512, 16777216, null,
        slots.Select(s => new LuksKeyslotSummary(s, "luks2", 512, "aes-xts-plain64", 1, null, 4000)).ToList(), [], true, [], "crypt", true, []);

    private static UnlockMethod Method(string method, params string[] slots) => new(method, slots, NoOptions);

    private static Evidence.Evidence Disks(params EncryptedVolume[] volumes) => Host() with
    {
        Storage = new StorageEvidence([new StoragePathEvidence("/models", "/models", [], new EncryptionVerdict(EncryptionState.Encrypted, true, "dm-0"), volumes)], [], [], [], []),
    };

    [Test]
    public void Key_slots_bound_to_no_token_are_human_knowable_secrets()
    {
        var tpmOnly = Disks(Volume("models", "LUKS2", Luks(0), Method("tpm2", "0")));
        var withPassphrase = Disks(Volume("models", "LUKS2", Luks(0, 1), Method("tpm2", "0"), Method("passphrase", "1")));
        var fail = Run(new NoHumanUnlockSecretCheck(), withPassphrase);
        Assert.Multiple(() =>
        {
            Assert.That(Run(new NoHumanUnlockSecretCheck(), tpmOnly).Status, Is.EqualTo(ControlStatus.Pass));
            Assert.That(fail.Message, Is.EqualTo("models: key slot(s) 1 bound to no token open with a secret a person can hold (passphrase)"));
            AssertPointersResolve(withPassphrase, fail);
            Assert.That(Run(new NoHumanUnlockSecretCheck(), Disks(Volume("models", "LUKS2", null, Method("passphrase")))).Status, Is.EqualTo(ControlStatus.Error),
                "an unreadable header leaves the slots unknown");
            Assert.That(Run(new NoHumanUnlockSecretCheck(), Disks()).Status, Is.EqualTo(ControlStatus.NotApplicable));
            Assert.That(Run(new NoHumanUnlockSecretCheck(), Disks(Volume("tank/models", "zfs", null, Method("zfs-passphrase")))).Status, Is.EqualTo(ControlStatus.Fail));
        });
    }

    [Test]
    public void BitLocker_recovery_passwords_fail_and_tpm_protectors_pass()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Run(new NoHumanUnlockSecretCheck(), Disks(Volume("C:", "BITLK", null, Method("bitlocker-tpm"), Method("bitlocker-numerical-password")))).Message,
                Is.EqualTo("C:: unlocks with bitlocker-numerical-password"));
            Assert.That(Run(new NoHumanUnlockSecretCheck(), Disks(Volume("C:", "BITLK", null, Method("bitlocker-tpm-pin")))).Status, Is.EqualTo(ControlStatus.Pass));
        });
    }

    private static CheckOutcome Allow(AllowListEvidence allow) => Run(new ApplicationAllowListingCheck(), Host() with { AllowListing = allow });

    [Test]
    public void Fapolicyd_must_enforce_start_at_boot_and_run()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Allow(new AllowListEvidence { Fapolicyd = new FapolicydState(0, "/etc/fapolicyd/fapolicyd.conf:3", true, true) }).Status, Is.EqualTo(ControlStatus.Pass));
            Assert.That(Allow(new AllowListEvidence { Fapolicyd = new FapolicydState(0, null, true, null) }).Status, Is.EqualTo(ControlStatus.Pass), "an offline tree shows enablement only");
            Assert.That(Allow(new AllowListEvidence { Fapolicyd = new FapolicydState(1, "/etc/fapolicyd/fapolicyd.conf:3", true, true) }).Message,
                Does.Contain("fapolicyd is permissive (/etc/fapolicyd/fapolicyd.conf:3: permissive = 1)"));
            Assert.That(Allow(new AllowListEvidence { Fapolicyd = new FapolicydState(0, null, false, false) }).Message, Does.Contain("fapolicyd.service is not enabled"));
            Assert.That(Allow(new AllowListEvidence { Fapolicyd = new FapolicydState(0, null, true, false) }).Message, Does.Contain("enabled but not running"));
        });
    }

    [Test]
    public void Ima_counts_when_it_appraises_executables_and_enforces()
    {
        static AllowListEvidence Ima(string? mode, string[] builtin, params string[] rules) =>
            new() { Ima = new ImaAppraisalState(mode, builtin, rules.Length > 0 ? "/etc/ima/ima-policy" : null, rules) };
        Assert.Multiple(() =>
        {
            Assert.That(Allow(Ima(null, [], "appraise func=BPRM_CHECK appraise_type=imasig")).Status, Is.EqualTo(ControlStatus.Pass));
            Assert.That(Allow(Ima(null, ["appraise_tcb"])).Status, Is.EqualTo(ControlStatus.Pass));
            Assert.That(Allow(Ima("log", [], "appraise func=BPRM_CHECK appraise_type=imasig")).Message, Does.Contain("ima_appraise=log does not enforce"));
            Assert.That(Allow(Ima(null, ["secure_boot"], "appraise func=MODULE_CHECK appraise_type=imasig")).Message, Does.Contain("appraises no executables"));
            Assert.That(Allow(new AllowListEvidence()).Message, Is.EqualTo("no application allow-listing enforces: fapolicyd is not installed; no IMA appraisal policy"));
        });
    }

    [Test]
    public void Wdac_counts_only_when_user_mode_code_integrity_is_enforced()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Allow(new AllowListEvidence { CodeIntegrity = new CodeIntegrityState("enforced", "enforced", true) }).Message, Is.EqualTo("WDAC user-mode code integrity is enforced and HVCI runs"));
            Assert.That(Allow(new AllowListEvidence { CodeIntegrity = new CodeIntegrityState("audit", "enforced", true) }).Status, Is.EqualTo(ControlStatus.Fail));
            Assert.That(Allow(new AllowListEvidence { CodeIntegrity = new CodeIntegrityState("off", "off", true) }).Message, Does.Contain("is off"), "HVCI alone is not allow-listing");
            Assert.That(Allow(new AllowListEvidence { Errors = [new PathError(@"root\Microsoft\Windows\DeviceGuard\Win32_DeviceGuard", "access denied")] }).Status,
                Is.EqualTo(ControlStatus.Error));
        });
    }

    private static CheckOutcome Firmware(FirmwareEvidence firmware, params (string, ParamValue)[] overrides) =>
        Run(new FirmwareSecurityCheck(), Host() with { Firmware = firmware }, overrides);

    [Test]
    public void Firmware_is_judged_on_hsi_level_and_advisories_and_is_not_applicable_without_fwupd()
    {
        var hsi0 = new FirmwareEvidence
        {
            FwupdPresent = true, Source = "recorded", HsiLevel = 0, AttributeCount = 12,
            FailedAttributes = [new HsiAttribute("org.fwupd.hsi.Spi.Bioswe", 1, "not-enabled")],
        };
        var advisory = new FirmwareEvidence
        {
            FwupdPresent = true, Source = "recorded", HsiLevel = 2, AttributeCount = 12,
            Advisories = [new FirmwareAdvisory("System Firmware", "1.11.0", ["CVE-2022-21894"])],
        };
        Assert.Multiple(() =>
        {
            Assert.That(Firmware(new FirmwareEvidence { FwupdPresent = false }).Status, Is.EqualTo(ControlStatus.NotApplicable));
            Assert.That(Firmware(hsi0).Message, Is.EqualTo("HSI:0, below HSI:1: org.fwupd.hsi.Spi.Bioswe (not-enabled)"));
            Assert.That(Firmware(advisory).Message, Is.EqualTo("System Firmware 1.11.0 has CVE-2022-21894"));
            Assert.That(Firmware(advisory, ("fail-on-advisories", ParamValue.Of("false"))).Status, Is.EqualTo(ControlStatus.Pass));
            Assert.That(Firmware(advisory with { Advisories = [] }, ("min-hsi-level", ParamValue.Of("3"))).Status, Is.EqualTo(ControlStatus.Fail));
            Assert.That(Firmware(new FirmwareEvidence { FwupdPresent = true, Problem = "fwupdmgr security exited with 1" }).Status, Is.EqualTo(ControlStatus.Error));
        });
    }

    private static CheckOutcome Edr(params EndpointAgent[] agents) =>
        Run(new EndpointDetectionRunningCheck(), Host() with { EndpointDetection = new EndpointDetectionEvidence { Agents = agents, ProcessesRead = true } });

    [Test]
    public void An_edr_agent_must_start_at_boot_and_run_and_osquery_does_not_count()
    {
        var osqueryOnly = Run(new EndpointDetectionRunningCheck(), Host() with { EndpointDetection = new EndpointDetectionEvidence { NotEdr = ["osquery"], ProcessesRead = true } });
        Assert.Multiple(() =>
        {
            Assert.That(Edr(new EndpointAgent("CrowdStrike Falcon", "falcon-sensor.service", true, true)).Message, Is.EqualTo("CrowdStrike Falcon (falcon-sensor.service) is enabled and running"));
            Assert.That(Edr(new EndpointAgent("CrowdStrike Falcon", "falcon-sensor.service", true, false)).Message,
                Is.EqualTo("no EDR agent both starts at boot and runs: CrowdStrike Falcon enabled, not running"));
            Assert.That(Edr(new EndpointAgent("Microsoft Defender for Endpoint", "mdatp.service", false, true)).Status, Is.EqualTo(ControlStatus.Fail));
            Assert.That(osqueryOnly.Message, Is.EqualTo("no known EDR/XDR agent is installed (osquery found: host telemetry, not EDR)"));
            Assert.That(Run(new EndpointDetectionRunningCheck(), Host() with { EndpointDetection = new EndpointDetectionEvidence { Agents = [new EndpointAgent("Wazuh agent", "wazuh-agent.service", true, true)] } },
                ("products", ParamValue.Of(["CrowdStrike Falcon"]))).Status, Is.EqualTo(ControlStatus.Fail), "only the products the control names count");
        });
    }
}
