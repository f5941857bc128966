using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>
/// Only approved programs can run. Linux: fapolicyd enabled at boot with <c>permissive = 0</c> (and running, where the
/// process table shows it), or IMA appraisal of executables (an <c>appraise</c> rule for <c>func=BPRM_CHECK</c> or
/// <c>MMAP_CHECK</c>, or the built-in <c>appraise_tcb</c> policy) not weakened by <c>ima_appraise=off|log|fix</c>.
/// Windows: user-mode code integrity (WDAC for applications) enforced; HVCI alone guards the kernel, not applications.
/// </summary>
public sealed class ApplicationAllowListingCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "application-allow-listing";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } = [];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.AllowListing, "allowListing", out var allow) is { } missing) return missing;
        if (allow.CodeIntegrity is { } ci)
            return ci.UserMode == "enforced"
                ? CheckOutcome.Pass($"WDAC user-mode code integrity is enforced{(ci.HypervisorEnforced ? " and HVCI runs" : "")}", EvidencePointer.To("allowListing", "codeIntegrity"))
                : CheckOutcome.Fail($"WDAC user-mode code integrity is {ci.UserMode}: any application may run", EvidencePointer.To("allowListing", "codeIntegrity", "userMode"));
        var fapolicyd = Fapolicyd(allow.Fapolicyd);
        var ima = Ima(allow.Ima);
        if (fapolicyd is null) return CheckOutcome.Pass($"fapolicyd enforces (permissive = 0, enabled at boot{(allow.Fapolicyd!.Running == true ? ", running" : "")})", EvidencePointer.To("allowListing", "fapolicyd"));
        if (ima is null) return CheckOutcome.Pass($"IMA appraises executables ({allow.Ima!.PolicySource ?? "ima_policy=" + string.Join('|', allow.Ima.BuiltinPolicies)})", EvidencePointer.To("allowListing", "ima"));
        if (allow.Errors.Count > 0 && allow.Fapolicyd is null && allow.Ima is null)
            return CheckOutcome.Error($"allow-listing not readable: {allow.Errors[0].Path}: {allow.Errors[0].Reason}", EvidencePointer.To("allowListing", "errors"));
        return CheckOutcome.Fail($"no application allow-listing enforces: {fapolicyd}; {ima}", EvidencePointer.To("allowListing"));
    }

    /// <summary>Why fapolicyd does not enforce, or null when it does.</summary>
    private static string? Fapolicyd(FapolicydState? f) => f switch
    {
        null => "fapolicyd is not installed",
        { Permissive: not 0 } => $"fapolicyd is permissive ({f.PermissiveSource}: permissive = {f.Permissive})",
        { Enabled: false } => "fapolicyd.service is not enabled",
        { Running: false } => "fapolicyd is enabled but not running",
        _ => null,
    };

    /// <summary>Why IMA does not appraise executables, or null when it does.</summary>
    private static string? Ima(ImaAppraisalState? ima)
    {
        if (ima is null) return "no IMA appraisal policy";
        if (ima.AppraiseMode is "off" or "log" or "fix") return $"ima_appraise={ima.AppraiseMode} does not enforce";
        var executables = ima.BuiltinPolicies.Contains("appraise_tcb") ||
                          ima.AppraiseRules.Any(r => r.Contains("func=BPRM_CHECK", StringComparison.Ordinal) || r.Contains("func=MMAP_CHECK", StringComparison.Ordinal));
        return executables ? null : "the IMA policy appraises no executables (no appraise rule for func=BPRM_CHECK or MMAP_CHECK, no ima_policy=appraise_tcb)";
    }
}
