namespace WeightGuard.Tpm.EventLog;

/// <summary>
/// Names of confidential-computing measurement registers as a CC event log indexes them (UEFI 2.10 §38.4,
/// EFI_CC_MEASUREMENT_PROTOCOL, Intel TDX): index 0 is MRTD (measured by the TDX module at build time, never extended by
/// the log), 1 to 4 are RTMR0 to RTMR3.
/// </summary>
public static class CcMeasurementRegister
{
    /// <summary>Highest CC measurement register index Intel TDX defines (RTMR3).</summary>
    public const uint MaxTdxIndex = 4;

    /// <summary><c>MRTD</c>, <c>RTMR0</c>…<c>RTMR3</c>, or <c>MR5</c> for an index TDX does not define.</summary>
    public static string Name(uint index) => index switch
    {
        0 => "MRTD",
        <= MaxTdxIndex => $"RTMR{index - 1}",
        _ => $"MR{index}",
    };
}
