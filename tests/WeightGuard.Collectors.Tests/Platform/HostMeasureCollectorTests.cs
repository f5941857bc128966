using System.Text;
using System.Text.Json;
using Moq;
using WeightGuard.Collectors.Disk;
using WeightGuard.Collectors.Platform;
using WeightGuard.Collectors.Platform.AllowListing;
using WeightGuard.Collectors.Platform.Endpoint;
using WeightGuard.Collectors.Platform.Firmware;
using WeightGuard.Collectors.Tests.Disk;
using WeightGuard.Collectors.Windows;
using WeightGuard.Core.Checks;
using WeightGuard.Core.Checks.Kinds;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Evidence;
using WeightGuard.Core.Reports;
using static WeightGuard.Collectors.Tests.Windows.WindowsFakes;

namespace WeightGuard.Collectors.Tests.Platform;

/// <summary>
/// The collectors of the remaining host measures against host trees laid out as the kernel and the packages lay them
/// out, including hostile input: network storage (mountinfo and iSCSI sysfs), fapolicyd and IMA, fwupd's report,
/// EDR units and processes, and WDAC through CIM.
/// </summary>
[TestFixture]
public sealed class HostMeasureCollectorTests
{
    private string _dir = null!;
    private FakeHost _host = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("wg-measures-").FullName;
        _host = new FakeHost(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private TransitEvidence Transit(params string[] weightPaths)
    {
        var resolver = new StorageChainResolver(_host.HostRoot);
        return new NetworkStorageCollector(_host.HostRoot, resolver).Collect(resolver.Collect(weightPaths).Paths);
    }

    [Test]
    public void Nfs_and_smb_mounts_record_only_their_wire_options()
    {
        _host.Disk("sda", "8:0", "pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0").Partition("sda", "sda1", "8:1", 1)
            .Mount("/", "8:1", "ext4", "/dev/sda1")
            .Mount("/models", "0:52", "nfs4", "filer.example:/export/models",
                "rw,vers=4.2,rsize=1048576,wsize=1048576,namlen=255,hard,proto=tcp,timeo=600,retrans=2,sec=krb5p,clientaddr=10.0.0.5,local_lock=none,addr=10.0.0.2")
            // a user name that looks like an option must not be read as one
            .Mount("/srv/models", "0:60", "cifs", "//filer/models", "rw,vers=3.1.1,cache=strict,username=sec=krb5p,uid=0,noforceuid,gid=0,seal,actimeo=1");
        var t = Transit("/models/llama", "/srv/models", "/var/lib/models");
        Assert.Multiple(() =>
        {
            Assert.That(t.Paths.Select(p => (p.Path, p.Protocol, p.MountPoint, p.Source)), Is.EqualTo(new[]
            {
                ("/models/llama", "nfs", "/models", "filer.example:/export/models"),
                ("/srv/models", "smb", "/srv/models", "//filer/models"),
            }), "/var/lib/models is on the local disk");
            Assert.That(t.Paths[0].Options, Is.EqualTo(new SortedDictionary<string, string> { ["sec"] = "krb5p", ["vers"] = "4.2" }));
            Assert.That(t.Paths[1].Options, Is.EqualTo(new SortedDictionary<string, string> { ["seal"] = "true", ["vers"] = "3.1.1" }));
        });
    }

    [Test]
    public void A_disk_in_an_iscsi_session_is_found_through_its_sysfs_path()
    {
        // open-iscsi: the SCSI host of a session sits under platform/hostN/sessionM
        _host.Disk("sdb", "8:16", "platform/host3/session1/target3:0:0/3:0:0:1", "VIRTUAL-DISK").Partition("sdb", "sdb1", "8:17", 1)
            .Disk("sda", "8:0", "pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0").Partition("sda", "sda1", "8:1", 1)
            .Mount("/", "8:1", "ext4", "/dev/sda1")
            .Mount("/models", "8:17", "xfs", "/dev/sdb1");
        _host.Write("/sys/class/iscsi_session/session1/targetname", "iqn.2004-04.com.example:storage.models");
        _host.Write("/sys/class/iscsi_connection/connection1:0/persistent_address", "10.0.0.20");
        _host.Write("/sys/class/iscsi_connection/connection1:0/header_digest", "None");
        _host.Write("/sys/class/iscsi_connection/connection1:0/data_digest", "None");
        var t = Transit("/models", "/etc");
        Assert.Multiple(() =>
        {
            var path = t.Paths.Single();
            Assert.That((path.Protocol, path.Source), Is.EqualTo(("iscsi", "iqn.2004-04.com.example:storage.models")));
            Assert.That(path.Options, Is.EqualTo(new SortedDictionary<string, string>
            {
                ["address"] = "10.0.0.20", ["dataDigest"] = "None", ["headerDigest"] = "None", ["session"] = "session1", ["target"] = "iqn.2004-04.com.example:storage.models",
            }));
        });
    }

    [Test]
    public void An_oversized_iscsi_attribute_is_a_problem_not_a_crash()
    {
        _host.Disk("sdb", "8:16", "platform/host3/session7/target3:0:0/3:0:0:1").Mount("/models", "8:16", "xfs", "/dev/sdb");
        _host.Write("/sys/class/iscsi_session/session7/targetname", new string('x', 200_000));
        var path = Transit("/models").Paths.Single();
        Assert.Multiple(() =>
        {
            Assert.That(path.Source, Is.EqualTo("sdb"), "without its target name the session is named by its disk");
            Assert.That(Transit("/models").Problems.Single(), Does.StartWith("/sys/class/iscsi_session/session7/targetname"));
        });
    }

    private AllowListEvidence AllowList(ProcessTable? processes = null) => new AllowListCollector(_host.HostRoot, processes).Collect();

    [Test]
    public void Fapolicyd_permissive_setting_and_enablement_are_read_from_files()
    {
        _host.Write("/etc/fapolicyd/fapolicyd.conf", "#\n# This file controls the configuration of the file access policy daemon.\n#\n\npermissive = 0\nnice_val = 14\nq_size = 800\n");
        _host.Link("/etc/systemd/system/multi-user.target.wants/fapolicyd.service", "/usr/lib/systemd/system/fapolicyd.service");
        var enforcing = AllowList().Fapolicyd!;
        _host.Write("/etc/fapolicyd/fapolicyd.conf", "permissive = 0\n# permissive = 0\npermissive=1\n");
        var permissive = AllowList().Fapolicyd!;
        _host.Write("/etc/fapolicyd/fapolicyd.conf", "permissive = yes\n");
        var bad = AllowList();
        Assert.Multiple(() =>
        {
            Assert.That(enforcing, Is.EqualTo(new FapolicydState(0, "/etc/fapolicyd/fapolicyd.conf:5", true, null)));
            Assert.That((permissive.Permissive, permissive.PermissiveSource), Is.EqualTo((1, "/etc/fapolicyd/fapolicyd.conf:3")), "the last setting wins; comments do not count");
            Assert.That(bad.Fapolicyd!.Permissive, Is.EqualTo(1), "fapolicyd refuses a value that is not a number, so it does not enforce");
            Assert.That(bad.Errors.Single().Reason, Is.EqualTo("permissive is not a number"));
        });
    }

    [Test]
    public void Ima_settings_come_from_the_command_line_and_the_policy_file()
    {
        _host.Write("/proc/cmdline", "BOOT_IMAGE=/vmlinuz-6.8.0 root=/dev/mapper/root ro ima_appraise=enforce ima_policy=tcb|appraise_tcb\n");
        _host.Write("/etc/ima/ima-policy", "dont_appraise fsmagic=0x9fa0\nappraise func=BPRM_CHECK appraise_type=imasig\nmeasure func=FILE_CHECK\n");
        var ima = AllowList().Ima!;
        Assert.Multiple(() =>
        {
            Assert.That(ima.AppraiseMode, Is.EqualTo("enforce"));
            Assert.That(ima.BuiltinPolicies, Is.EqualTo(new[] { "tcb", "appraise_tcb" }));
            Assert.That((ima.PolicySource, ima.AppraiseRules.Single()), Is.EqualTo(("/etc/ima/ima-policy", "appraise func=BPRM_CHECK appraise_type=imasig")));
        });
    }

    [Test]
    public void A_huge_ima_policy_is_refused_whole_and_its_rules_are_bounded()
    {
        _host.Write("/etc/ima/ima-policy", string.Concat(Enumerable.Repeat("appraise func=BPRM_CHECK appraise_type=imasig\n", 1000)));
        var bounded = AllowList().Ima!;
        _host.Write("/etc/ima/ima-policy", new string('#', 2 << 20));
        var huge = AllowList();
        Assert.Multiple(() =>
        {
            Assert.That(bounded.AppraiseRules, Has.Count.EqualTo(AllowListCollector.MaxAppraiseRules));
            Assert.That(huge.Ima, Is.Null);
            Assert.That(huge.Errors.Single().Path, Is.EqualTo("/etc/ima/ima-policy"));
        });
    }

    [Test]
    public void Wdac_status_comes_from_win32_deviceguard()
    {
        var guard = Row("Win32_DeviceGuard", ("UsermodeCodeIntegrityPolicyEnforcementStatus", 2u), ("CodeIntegrityPolicyEnforcementStatus", 1u), ("SecurityServicesRunning", new uint[] { 2 }));
        var denied = CodeIntegrityCollector.Collect(Cim(("Win32_DeviceGuard", CimFailure.AccessDenied)).Object);
        Assert.Multiple(() =>
        {
            Assert.That(CodeIntegrityCollector.Collect(Cim(("Win32_DeviceGuard", new[] { guard })).Object).CodeIntegrity, Is.EqualTo(new CodeIntegrityState("enforced", "audit", true)));
            Assert.That(CodeIntegrityCollector.Collect(Cim(("Win32_DeviceGuard", Array.Empty<CimRow>())).Object).Errors.Single().Reason, Is.EqualTo("no instance"));
            Assert.That((denied.CodeIntegrity, denied.Errors.Single().Reason), Is.EqualTo(((CodeIntegrityState?)null, "Win32_DeviceGuard: access denied (run WeightGuard elevated)")));
        });
    }

    private const string SecurityJson = """
        {
          "HostSecurityAttributes" : [
            { "AppstreamId" : "org.fwupd.hsi.Uefi.SecureBoot", "HsiLevel" : 1, "HsiResult" : "enabled", "Flags" : [ "success" ] },
            { "AppstreamId" : "org.fwupd.hsi.Spi.Bioswe", "HsiLevel" : 1, "HsiResult" : "enabled", "Flags" : [ "success" ] },
            { "AppstreamId" : "org.fwupd.hsi.Tpm.ReconstructionPcr0", "HsiLevel" : 2, "HsiResult" : "valid", "Flags" : [ "success" ] },
            { "AppstreamId" : "org.fwupd.hsi.IntelBootguard.Enabled", "HsiLevel" : 2, "HsiResult" : "not-enabled", "Flags" : [ "action-contact-oem" ] },
            { "AppstreamId" : "org.fwupd.hsi.Iommu", "HsiLevel" : 3, "HsiResult" : "not-found", "Flags" : [ "obsoleted" ] },
            { "AppstreamId" : "org.fwupd.hsi.Kernel.Tainted", "HsiResult" : "tainted", "Flags" : [ "runtime-issue" ] }
          ],
          "Devices" : [
            { "Name" : "System Firmware", "Version" : "1.11.0", "Issues" : [ "CVE-2022-21894", "CVE-2023-24932" ] },
            { "Name" : "UEFI dbx", "Version" : "371", "Issues" : [ ] }
          ]
        }
        """;

    [Test]
    public void Hsi_level_is_computed_as_fwupd_computes_it_and_issues_become_advisories()
    {
        var firmware = FwupdSecurityParser.Parse(SecurityJson);
        Assert.Multiple(() =>
        {
            Assert.That(firmware.HsiLevel, Is.EqualTo(1), "a level-2 attribute fails; the obsoleted level-3 one does not count");
            Assert.That(firmware.FailedAttributes.Select(a => (a.Id, a.Level)), Is.EqualTo(new[] { ("org.fwupd.hsi.IntelBootguard.Enabled", 2), ("org.fwupd.hsi.Kernel.Tainted", 0) }));
            Assert.That(firmware.AttributeCount, Is.EqualTo(6));
            Assert.That(firmware.Advisories.Single(), Is.EqualTo(new FirmwareAdvisory("System Firmware", "1.11.0", ["CVE-2022-21894", "CVE-2023-24932"])).Using<FirmwareAdvisory>(
                (a, b) => a.Device == b.Device && a.Version == b.Version && a.Issues.SequenceEqual(b.Issues)));
        });
    }

    [Test]
    public void Hostile_fwupd_output_is_one_clear_error()
    {
        var deep = new string('[', 100) + new string(']', 100);
        var many = "{\"HostSecurityAttributes\":[" + string.Join(',', Enumerable.Repeat("{}", FwupdSecurityParser.MaxAttributes + 1)) + "]}";
        Assert.Multiple(() =>
        {
            Assert.That(() => FwupdSecurityParser.Parse("Unable to connect to service"), Throws.TypeOf<InvalidDataException>().With.Message.StartsWith("fwupdmgr security --json: not JSON"));
            Assert.That(() => FwupdSecurityParser.Parse(deep), Throws.TypeOf<InvalidDataException>());
            Assert.That(() => FwupdSecurityParser.Parse("[1,2]"), Throws.TypeOf<InvalidDataException>().With.Message.EqualTo("fwupdmgr security --json: expected a JSON object"));
            Assert.That(() => FwupdSecurityParser.Parse(many), Throws.TypeOf<InvalidDataException>().With.Message.Contains("more than 4096 attributes"));
            Assert.That(FwupdSecurityParser.Parse("""{"HostSecurityAttributes":[{"HsiLevel":99,"Flags":"success"}]}""").HsiLevel, Is.EqualTo(5),
                "an out-of-range level and non-array flags are read as a runtime attribute that did not succeed");
        });
    }

    [Test]
    public void A_tree_replays_its_recording_and_a_tree_without_fwupd_says_so()
    {
        var none = FirmwareCollector.For(_host.HostRoot).Collect();
        _host.Write("/usr/bin/fwupdmgr", "#!/bin/sh\n");
        var unrecorded = FirmwareCollector.For(_host.HostRoot).Collect();
        _host.Write(FwupdSecurityReports.TreePath + "/security.json", SecurityJson);
        _host.Write(FwupdSecurityReports.TreePath + "/security.json.rc", "exit=0");
        var recorded = FirmwareCollector.For(_host.HostRoot).Collect();
        _host.Write(FwupdSecurityReports.TreePath + "/security.json.rc", "exit=1");
        var failed = FirmwareCollector.For(_host.HostRoot).Collect();
        Assert.Multiple(() =>
        {
            Assert.That((none.FwupdPresent, none.Problem), Is.EqualTo((false, (string?)null)));
            Assert.That((unrecorded.FwupdPresent, unrecorded.Problem), Is.EqualTo((true, "no recording of fwupdmgr security --json --force (security.json)")));
            Assert.That((recorded.Source, recorded.HsiLevel), Is.EqualTo(("recorded", (int?)1)));
            Assert.That(failed.Problem, Is.EqualTo("fwupdmgr security exited with 1 (is the fwupd service running?)"));
        });
    }

    [Test]
    public void The_live_seam_runs_a_program_with_the_recorded_arguments()
    {
        var fwupd = new Mock<IFwupdSecurityReport>();
        fwupd.Setup(f => f.Source).Returns("fwupdmgr");
        fwupd.Setup(f => f.Read()).Throws(new IOException("fwupdmgr security --json --force: no answer within 30 s"));
        Assert.That(new FirmwareCollector(fwupd.Object).Collect().Problem, Is.EqualTo("fwupdmgr security --json --force: no answer within 30 s"));
    }

    private void Process(int pid, string comm, string argv0)
    {
        _host.Write($"/proc/{pid}/comm", comm);
        File.WriteAllText(_host.Local($"/proc/{pid}/cmdline"), argv0 + "\0--daemon\0", Encoding.UTF8);
        _host.Write($"/proc/{pid}/status", $"Name:\t{comm}\nUid:\t0\t0\t0\t0\n");
    }

    [Test]
    public void Edr_agents_are_found_by_unit_file_enablement_and_process()
    {
        _host.Write("/usr/lib/systemd/system/falcon-sensor.service", "[Service]\nExecStart=/opt/CrowdStrike/falcond\n");
        _host.Link("/etc/systemd/system/multi-user.target.wants/falcon-sensor.service", "/usr/lib/systemd/system/falcon-sensor.service");
        _host.Write("/usr/lib/systemd/system/mdatp.service", "[Service]\n");
        _host.Link("/etc/systemd/system/multi-user.target.wants/osqueryd.service", "/usr/lib/systemd/system/osqueryd.service");
        Process(1, "systemd", "/sbin/init");
        Process(812, "falcon-sensor", "/opt/CrowdStrike/falcon-sensor");
        Process(990, "osqueryd", "/opt/osquery/bin/osqueryd");
        var live = new EndpointDetectionCollector(_host.HostRoot, ProcessTable.Read(_host.HostRoot)).Collect();
        var offline = new EndpointDetectionCollector(_host.HostRoot, null).Collect();
        Assert.Multiple(() =>
        {
            Assert.That(live.Agents, Is.EqualTo(new[]
            {
                new EndpointAgent("CrowdStrike Falcon", "falcon-sensor.service", true, true),
                new EndpointAgent("Microsoft Defender for Endpoint", "mdatp.service", false, false),
            }));
            Assert.That(live.NotEdr, Is.EqualTo(new[] { "osquery" }));
            Assert.That((offline.ProcessesRead, offline.Agents[0].Running), Is.EqualTo((false, (bool?)null)));
        });
    }

    [Test]
    public void A_process_named_like_an_agent_in_a_path_does_not_count()
    {
        // only the program's file name counts, never a directory on its path
        Process(4242, "python3", "/tmp/falcon-sensor/python3");
        Assert.That(new EndpointDetectionCollector(_host.HostRoot, ProcessTable.Read(_host.HostRoot)).Collect().Agents, Is.Empty);
    }

    private static ControlStatus Judge(ICheck check, StorageEvidence storage)
    {
        var evidence = new Evidence
        {
            Host = new HostIdentity { Hostname = "gpu-win-01", Os = "Windows Server 2025", Kernel = "10.0.26100", Arch = "x64", Platform = "windows" },
            Storage = storage,
        };
        var parameters = check.Parameters.ToDictionary(p => p.Name, p => p.Default, StringComparer.Ordinal);
        return check.Evaluate(new CheckContext(evidence, parameters,
            new Lazy<JsonElement>(() => JsonSerializer.SerializeToElement(evidence, WeightGuardJsonContext.Default.Evidence)))).Status;
    }

    [Test]
    public void BitLocker_recovery_password_protectors_are_human_knowable_unlock_secrets()
    {
        // Windows 11 defaults: TPM + recovery password (the 48-digit key escrowed to Entra ID or printed); a TPM+PIN server volume
        var withRecovery = new BitLockerVolumeRecord(@"\\?\Volume{3f1d2c4b-0000-0000-0000-100000000000}\", "C:", 0, 1, 1, 100, 0, 7, 0, [1, 3]);
        var tpmPinOnly = withRecovery with { KeyProtectorTypes = [4] };
        var passwordOnly = withRecovery with { KeyProtectorTypes = [8] };
        StorageEvidence Collect(BitLockerVolumeRecord volume)
        {
            var source = new Mock<IBitLockerSource>();
            source.Setup(s => s.GetVolumes()).Returns([volume]);
            return new BitLockerCollector(source.Object).Collect([@"C:\models"]);
        }
        Assert.Multiple(() =>
        {
            Assert.That(Judge(new NoHumanUnlockSecretCheck(), Collect(withRecovery)), Is.EqualTo(ControlStatus.Fail));
            Assert.That(Judge(new NoHumanUnlockSecretCheck(), Collect(passwordOnly)), Is.EqualTo(ControlStatus.Fail));
            Assert.That(Judge(new NoHumanUnlockSecretCheck(), Collect(tpmPinOnly)), Is.EqualTo(ControlStatus.Pass));
        });
    }
}
