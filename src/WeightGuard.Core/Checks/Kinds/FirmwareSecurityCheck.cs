using WeightGuard.Core.Catalog;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>
/// Platform firmware is configured securely and has no known vulnerabilities outstanding, as fwupd sees it: the Host
/// Security ID reaches <c>min-hsi-level</c> and no device's installed firmware has published security issues. Not
/// applicable where fwupd is not installed: nothing else on the host reads these facts.
/// </summary>
public sealed class FirmwareSecurityCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "firmware-security";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } =
    [
        new("min-hsi-level", ParamType.Integer, ParamValue.Of("1"), "Lowest HSI level accepted (HSI-1: critical protections such as Secure Boot and SPI write protection)."),
        new("fail-on-advisories", ParamType.Boolean, ParamValue.Of("true"), "Whether installed firmware with published security issues fails the control."),
    ];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Firmware, "firmware", out var firmware) is { } missing) return missing;
        if (!firmware.FwupdPresent)
            return CheckOutcome.NotApplicable("fwupd is not installed, so firmware security (HSI) and firmware advisories are not read on this host", EvidencePointer.To("firmware"));
        if (firmware.Problem is { } problem) return CheckOutcome.Error($"fwupd gave no answer: {problem}", EvidencePointer.To("firmware", "problem"));
        if (firmware.HsiLevel is not { } level) return CheckOutcome.Error("fwupd reported no security attributes", EvidencePointer.To("firmware"));
        var problems = new List<string>();
        var pointers = new List<string>();
        var min = context.Integer("min-hsi-level");
        if (level < min)
        {
            var failing = firmware.FailedAttributes.Where(a => a.Level > 0 && a.Level <= min).Select(a => $"{a.Id} ({a.Result ?? "failed"})").ToList();
            problems.Add($"HSI:{level}, below HSI:{min}" + (failing.Count > 0 ? ": " + string.Join(", ", failing) : ""));
            pointers.Add(EvidencePointer.To("firmware", "failedAttributes"));
        }
        if (context.Boolean("fail-on-advisories") && firmware.Advisories.Count > 0)
        {
            problems.Add(string.Join("; ", firmware.Advisories.Select(a => $"{a.Device} {a.Version} has {string.Join(", ", a.Issues)}")));
            pointers.Add(EvidencePointer.To("firmware", "advisories"));
        }
        return problems.Count == 0
            ? CheckOutcome.Pass($"HSI:{level} (at least HSI:{min}); no firmware with known security issues", EvidencePointer.To("firmware"))
            : CheckOutcome.Fail(string.Join("; ", problems), pointers);
    }
}
