using WeightGuard.Testing;

namespace WeightGuard.Tpm.Tests;

public class ResponseCodeTests
{
    [TestCase(0x98Eu, "TPM_RC_AUTH_FAIL (session 1) [0x98E]", "session(1)")]
    [TestCase(0x18Bu, "TPM_RC_HANDLE (handle 1) [0x18B]", "handle(1)")]
    [TestCase(0x1C4u, "TPM_RC_VALUE (parameter 1) [0x1C4]", "parameter(1)")]
    [TestCase(0x2C5u, "TPM_RC_HIERARCHY (parameter 2) [0x2C5]", "parameter(2)")]
    [TestCase(0x921u, "TPM_RC_LOCKOUT (warning) [0x921]", "warn(2.0)")]
    [TestCase(0x100u, "TPM_RC_INITIALIZE [0x100]", "error(2.0)")]
    [TestCase(0x149u, "TPM_RC_NV_AUTHORIZATION [0x149]", "error(2.0)")]
    [TestCase(0x9A2u, "TPM_RC_BAD_AUTH (session 1) [0x9A2]", "session(1)")]
    [TestCase(0x99Du, "TPM_RC_POLICY_FAIL (session 1) [0x99D]", "session(1)")]
    [TestCase(0x922u, "TPM_RC_RETRY (warning) [0x922]", "warn(2.0)")]
    [TestCase(0x01Fu, "TPM 1.2 response code [0x01F]", "")]
    public void DecodesLikeTpm2RcDecode(uint rc, string expected, string toolPrefix)
    {
        Assert.That(TpmResponseCode.Describe(rc), Is.EqualTo(expected));
        if (toolPrefix.Length == 0) return;
        ExternalTool.Require("tpm2_rc_decode");
        var tool = ExternalTool.Run("tpm2_rc_decode", [$"0x{rc:x}"]);
        Assert.That(tool.Stdout, Does.StartWith("tpm:" + toolPrefix));
    }
}
