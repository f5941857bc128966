namespace WeightGuard.Core.Checks.Kinds;

/// <summary>The host booted with UEFI Secure Boot on and a platform key enrolled (not in setup mode).</summary>
public sealed class SecureBootEnabledCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "secure-boot-enabled";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } = [];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Boot, "boot", out var boot) is { } missing) return missing;
        var at = EvidencePointer.To("boot");
        if (boot.Firmware == "bios") return CheckOutcome.Fail("the host booted through legacy BIOS, which has no Secure Boot", at);
        if (boot.SecureBoot is null) return CheckOutcome.Error($"Secure Boot state could not be read: {boot.Error}", at);
        if (boot.SecureBoot == false) return CheckOutcome.Fail("UEFI Secure Boot is off", at);
        if (boot.SetupMode == true) return CheckOutcome.Fail("Secure Boot is on but the firmware is in setup mode (no platform key enrolled)", at);
        return CheckOutcome.Pass("UEFI Secure Boot is on, platform key enrolled", at);
    }
}
