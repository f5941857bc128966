using WeightGuard.Core.Evidence;
using WeightGuard.Tpm.EventLog;

namespace WeightGuard.Evidence.Tests;

public class AttestedBootTests
{
    private static readonly Core.Evidence.Evidence AgentSaysOn = new()
    {
        Host = new HostIdentity { Hostname = "gpu-01", Os = "Debian GNU/Linux 12 (bookworm)", Kernel = "6.1.0-28-amd64", Arch = "x64", Platform = "linux" },
        Boot = new BootEvidence { Firmware = "uefi", SecureBoot = true, SetupMode = false },
        Tpm = new TpmEvidence { Present = true, Source = "/dev/tpmrm0", EventLog = new TpmEventLogFact { Path = "/sys/kernel/security/tpm0/binary_bios_measurements", Events = 40, SecureBoot = true } },
    };

    private static AttestationCheck Check(bool quoteVerified, bool replayed, bool? secureBoot, params SecureBootVariable[] variables) =>
        new(quoteVerified ? [] : ["signature does not verify"], [], replayed, LogSecureBoot: new SecureBootLog(secureBoot, variables, 0, []));

    [Test]
    public void AttestedStateReplacesTheAgentsWord()
    {
        var judged = AttestedBoot.Apply(AgentSaysOn, Check(true, true, false, new SecureBootVariable("PK", UefiVariableData.EfiGlobalVariable, 0, 0, "")));
        Assert.That(judged.Boot, Is.EqualTo(new BootEvidence { Firmware = "uefi", SecureBoot = false, SetupMode = true }));
        Assert.That(judged.Tpm!.EventLog!.SecureBoot, Is.False);
    }

    [Test]
    public void AgentsSetupModeIsKeptWhenTheLogHasNoVerifiedPk() =>
        Assert.That(AttestedBoot.Apply(AgentSaysOn, Check(true, true, true)).Boot!.SetupMode, Is.False);

    [TestCase(false, true, true)]
    [TestCase(true, false, true)]
    [TestCase(true, true, null)]
    public void WithoutAnAttestedStateTheEvidenceIsUnchanged(bool quoteVerified, bool replayed, bool? secureBoot) =>
        Assert.That(AttestedBoot.Apply(AgentSaysOn, Check(quoteVerified, replayed, secureBoot)), Is.SameAs(AgentSaysOn));
}
