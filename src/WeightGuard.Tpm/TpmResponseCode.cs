namespace WeightGuard.Tpm;

/// <summary>Decodes TPM_RC values (part 2 §6.6) into readable text such as <c>TPM_RC_AUTH_FAIL (session 1)</c>.</summary>
public static class TpmResponseCode
{
    /// <summary>TPM_RC_SUCCESS.</summary>
    public const uint Success = 0;
    /// <summary>TPM_RC_INITIALIZE: the TPM needs TPM2_Startup (or, answering Startup, is already started).</summary>
    public const uint Initialize = 0x100;
    /// <summary>TPM_RC_HANDLE (format one): the handle does not reference a loaded object or defined NV index.</summary>
    public const uint Handle = 0x08B;
    /// <summary>TPM_RC_RETRY (warning): the TPM was busy; send the command again.</summary>
    public const uint Retry = 0x922;

    private static readonly Dictionary<uint, string> Ver1 = new()
    {
        [0x000] = "INITIALIZE", [0x001] = "FAILURE", [0x003] = "SEQUENCE", [0x00B] = "PRIVATE", [0x019] = "HMAC",
        [0x020] = "DISABLED", [0x021] = "EXCLUSIVE", [0x024] = "AUTH_TYPE", [0x025] = "AUTH_MISSING", [0x026] = "POLICY",
        [0x027] = "PCR", [0x028] = "PCR_CHANGED", [0x02D] = "UPGRADE", [0x02E] = "TOO_MANY_CONTEXTS",
        [0x02F] = "AUTH_UNAVAILABLE", [0x030] = "REBOOT", [0x031] = "UNBALANCED", [0x042] = "COMMAND_SIZE",
        [0x043] = "COMMAND_CODE", [0x044] = "AUTHSIZE", [0x045] = "AUTH_CONTEXT", [0x046] = "NV_RANGE", [0x047] = "NV_SIZE",
        [0x048] = "NV_LOCKED", [0x049] = "NV_AUTHORIZATION", [0x04A] = "NV_UNINITIALIZED", [0x04B] = "NV_SPACE",
        [0x04C] = "NV_DEFINED", [0x050] = "BAD_CONTEXT", [0x051] = "CPHASH", [0x052] = "PARENT", [0x053] = "NEEDS_TEST",
        [0x054] = "NO_RESULT", [0x055] = "SENSITIVE",
    };

    private static readonly Dictionary<uint, string> Fmt1 = new()
    {
        [0x001] = "ASYMMETRIC", [0x002] = "ATTRIBUTES", [0x003] = "HASH", [0x004] = "VALUE", [0x005] = "HIERARCHY",
        [0x007] = "KEY_SIZE", [0x008] = "MGF", [0x009] = "MODE", [0x00A] = "TYPE", [0x00B] = "HANDLE", [0x00C] = "KDF",
        [0x00D] = "RANGE", [0x00E] = "AUTH_FAIL", [0x00F] = "NONCE", [0x010] = "PP", [0x012] = "SCHEME", [0x015] = "SIZE",
        [0x016] = "SYMMETRIC", [0x017] = "TAG", [0x018] = "SELECTOR", [0x01A] = "INSUFFICIENT", [0x01B] = "SIGNATURE",
        [0x01C] = "KEY", [0x01D] = "POLICY_FAIL", [0x01F] = "INTEGRITY", [0x020] = "TICKET", [0x021] = "RESERVED_BITS",
        [0x022] = "BAD_AUTH", [0x023] = "EXPIRED", [0x024] = "POLICY_CC", [0x025] = "BINDING", [0x026] = "CURVE",
        [0x027] = "ECC_POINT",
    };

    private static readonly Dictionary<uint, string> Warn = new()
    {
        [0x001] = "CONTEXT_GAP", [0x002] = "OBJECT_MEMORY", [0x003] = "SESSION_MEMORY", [0x004] = "MEMORY",
        [0x005] = "SESSION_HANDLES", [0x006] = "OBJECT_HANDLES", [0x007] = "LOCALITY", [0x008] = "YIELDED",
        [0x009] = "CANCELED", [0x00A] = "TESTING", [0x010] = "REFERENCE_H0", [0x011] = "REFERENCE_H1",
        [0x012] = "REFERENCE_H2", [0x013] = "REFERENCE_H3", [0x014] = "REFERENCE_H4", [0x015] = "REFERENCE_H5",
        [0x016] = "REFERENCE_H6", [0x018] = "REFERENCE_S0", [0x019] = "REFERENCE_S1", [0x01A] = "REFERENCE_S2",
        [0x01B] = "REFERENCE_S3", [0x01C] = "REFERENCE_S4", [0x01D] = "REFERENCE_S5", [0x01E] = "REFERENCE_S6",
        [0x020] = "NV_RATE", [0x021] = "LOCKOUT", [0x022] = "RETRY", [0x023] = "NV_UNAVAILABLE",
    };

    /// <summary>True for format-one codes (bit 7 set), which carry a handle, session or parameter number.</summary>
    public static bool IsFormatOne(uint rc) => (rc & 0x80) != 0;

    /// <summary>The code without its handle/session/parameter number (format one keeps bits 0–5 and bit 7).</summary>
    public static uint BaseCode(uint rc) => IsFormatOne(rc) ? rc & 0xBF : rc;

    /// <summary>The TPM_RC_ name of <paramref name="rc"/> without the number it refers to, or null when unknown.</summary>
    public static string? Name(uint rc)
    {
        if (rc == Success) return "TPM_RC_SUCCESS";
        if (IsFormatOne(rc)) return Fmt1.TryGetValue(rc & 0x3F, out var f1) ? "TPM_RC_" + f1 : null;
        if ((rc & 0x100) == 0) return null; // TPM 1.2 code
        if ((rc & 0x400) != 0) return null; // vendor defined
        var table = (rc & 0x800) != 0 ? Warn : Ver1;
        return table.TryGetValue(rc & 0x7F, out var n) ? "TPM_RC_" + n : null;
    }

    /// <summary>Readable text: name, what it refers to and the raw value, e.g. <c>TPM_RC_HANDLE (handle 1) [0x18B]</c>.</summary>
    public static string Describe(uint rc)
    {
        var raw = $"[0x{rc:X3}]";
        if (!IsFormatOne(rc) && (rc & 0x100) == 0 && rc != Success) return $"TPM 1.2 response code {raw}";
        if (!IsFormatOne(rc) && (rc & 0x400) != 0) return $"vendor-defined response code {raw}";
        var name = Name(rc) ?? "unknown response code";
        if (!IsFormatOne(rc))
            return (rc & 0x800) != 0 ? $"{name} (warning) {raw}" : $"{name} {raw}";
        string where;
        if ((rc & 0x40) != 0) where = $"parameter {(rc >> 8) & 0xF}";
        else if ((rc & 0x800) != 0) where = $"session {(rc >> 8) & 0x7}";
        else where = $"handle {(rc >> 8) & 0x7}";
        return $"{name} ({where}) {raw}";
    }
}
