using WeightGuard.Collectors.Windows;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Evidence;
using WeightGuard.Testing;
using static WeightGuard.Collectors.Tests.Windows.WindowsFakes;

namespace WeightGuard.Collectors.Tests.Windows;

/// <summary>Evidence from the Windows sources is judged by the same catalogue controls as Linux evidence.</summary>
[TestFixture]
public sealed class WindowsEvaluationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void Windows_evidence_is_judged_by_the_shared_controls_and_linux_only_ones_are_not_applicable()
    {
        var programData = Directory.CreateTempSubdirectory("wg-win-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(programData, "ssh"));
            File.WriteAllText(Path.Combine(programData, "ssh", "sshd_config"), "PasswordAuthentication no\n");
            var blocking = WindowsAccessAndUpdateTests.Profiles.Select(p => p with { Properties = new Dictionary<string, object?>(p.Properties) { ["Enabled"] = (ushort)1, ["DefaultOutboundAction"] = (ushort)4 } }).ToArray();
            var cim = Cim([
                ("Win32_Tpm", new[] { Row("Win32_Tpm", ("SpecVersion", "2.0, 0, 1.59"), ("ManufacturerId", 0x49465800u), ("IsEnabled_InitialValue", true), ("IsActivated_InitialValue", true), ("IsOwned_InitialValue", true)) }),
                ("Win32_DeviceGuard", new[] { Row("Win32_DeviceGuard", ("VirtualizationBasedSecurityStatus", 2u), ("SecurityServicesRunning", new uint[] { 1, 2 }), ("AvailableSecurityProperties", new uint[] { 1, 2, 3 })) }),
                ("MSFT_NetFirewallProfile", blocking),
                ("Win32_QuickFixEngineering", WindowsAccessAndUpdateTests.Hotfixes),
                .. WindowsAccessAndUpdateTests.GroupAnswers,
            ]).Object;
            var registry = Registry((@"SYSTEM\CurrentControlSet\Control", "PEFirmwareType", 2), (@"SYSTEM\CurrentControlSet\Control\SecureBoot\State", "UEFISecureBootEnabled", 1),
                (@"SYSTEM\CurrentControlSet\Control\Lsa", "RunAsPPL", 1)).Object;
            var evidence = new Evidence
            {
                Host = new HostIdentity { Hostname = "gpu-win-01", Os = "Windows Server 2025", Kernel = "10.0.26100", Arch = "x64", Platform = "windows" },
                Weights = new WeightInventory
                {
                    Roots = [new WeightRoot(@"D:\models", "scanned")], Files = [new WeightFile { Path = @"D:\models\m.safetensors", Format = "safetensors", Size = 8 }],
                    Mismatched = [], Errors = [], EntriesVisited = 2, Truncated = false,
                },
                Boot = WindowsBootCollector.Collect(registry),
                Tpm = WindowsTpmCollector.Collect(cim, null),
                Platform = DeviceGuardCollector.Collect(cim, registry),
                Egress = WindowsFirewallCollector.Collect(cim),
                Privilege = LocalGroupCollector.Collect(cim),
                Patches = WindowsUpdateCollector.Collect(cim, registry, Now),
                Ssh = WindowsSshCollector.Collect(programData, Path.Combine(programData, "sshd.exe")),
            };
            var loaded = CatalogLoader.LoadDirectory(RepoPaths.Root);
            Assert.That(loaded.Errors, Is.Empty);
            var results = Evaluator.Evaluate(loaded.Catalog!, "rand-sl3", evidence, Now).Results.ToDictionary(r => r.ControlId);
            string Verdict(string id) => $"{id} {results[id].Status}";
            Assert.Multiple(() =>
            {
                foreach (var id in new[] { "WG-BOOT-001", "WG-TPM-001", "WG-BOOT-004", "WG-PLAT-001", "WG-PLAT-005", "WG-PLAT-006", "WG-NET-001", "WG-PATCH-001", "WG-SSH-001" })
                    Assert.That(Verdict(id), Is.EqualTo($"{id} {ControlStatus.Pass}"), results[id].Message);
                Assert.That(Verdict("WG-PRIV-001"), Is.EqualTo($"WG-PRIV-001 {ControlStatus.Fail}"));
                Assert.That(results["WG-PRIV-001"].Message, Does.Contain(@"GPU-WIN-01\deploy (a person) becomes root without a password"));
                Assert.That(Verdict("WG-TPM-002"), Is.EqualTo($"WG-TPM-002 {ControlStatus.Fail}"), "Win32_Tpm carries no EK certificate; TBS reads them");
                foreach (var id in new[] { "WG-LOG-001", "WG-PLAT-003", "WG-GPU-002", "WG-DISK-003", "WG-ACL-005" })
                    Assert.That(Verdict(id), Is.EqualTo($"{id} {ControlStatus.NotApplicable}"));
            });
        }
        finally
        {
            Directory.Delete(programData, recursive: true);
        }
    }
}
