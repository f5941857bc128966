using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Windows;

/// <summary>
/// Windows Defender Application Control from <c>Win32_DeviceGuard</c>: <c>UsermodeCodeIntegrityPolicyEnforcementStatus</c>
/// (applications), <c>CodeIntegrityPolicyEnforcementStatus</c> (drivers and kernel) and whether HVCI runs.
/// </summary>
public static class CodeIntegrityCollector
{
    private const long HvciService = 2;

    /// <summary>Collects the allow-listing evidence of this Windows host.</summary>
    public static AllowListEvidence Collect(ICimQuery cim)
    {
        var at = $@"{DeviceGuardCollector.Namespace}\Win32_DeviceGuard";
        try
        {
            return cim.Query(DeviceGuardCollector.Namespace, "SELECT * FROM Win32_DeviceGuard").FirstOrDefault() is { } guard
                ? new AllowListEvidence { CodeIntegrity = Map(guard) }
                : new AllowListEvidence { Errors = [new PathError(at, "no instance")] };
        }
        catch (CimQueryException e)
        {
            return new AllowListEvidence { Errors = [new PathError(at, e.Reason("Win32_DeviceGuard"))] };
        }
    }

    /// <summary>Maps one Win32_DeviceGuard instance (enforcement status 0 off, 1 audit mode, 2 enforced).</summary>
    public static CodeIntegrityState Map(CimRow guard) => new(
        Status(guard.Integer("UsermodeCodeIntegrityPolicyEnforcementStatus")),
        Status(guard.Integer("CodeIntegrityPolicyEnforcementStatus")),
        guard.Integers("SecurityServicesRunning").Contains(HvciService));

    private static string Status(long? code) => code switch { 1 => "audit", 2 => "enforced", _ => "off" };
}
