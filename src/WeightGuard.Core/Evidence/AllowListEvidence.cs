using System.Text.Json.Serialization;

namespace WeightGuard.Core.Evidence;

/// <summary>
/// What keeps unapproved programs from running: fapolicyd and IMA appraisal on Linux, Windows Defender Application
/// Control (user-mode code integrity) on Windows. A mechanism the host does not have is null.
/// </summary>
public sealed record AllowListEvidence
{
    /// <summary>fapolicyd, when its configuration exists.</summary>
    public FapolicydState? Fapolicyd { get; init; }
    /// <summary>IMA appraisal as the kernel command line and the IMA policy show it (Linux).</summary>
    public ImaAppraisalState? Ima { get; init; }
    /// <summary>Code integrity policies from <c>Win32_DeviceGuard</c> (Windows).</summary>
    public CodeIntegrityState? CodeIntegrity { get; init; }
    /// <summary>Files that could not be read.</summary>
    public IReadOnlyList<PathError> Errors { get; init; } = [];
}

/// <summary>fapolicyd's configuration and whether it starts at boot.</summary>
/// <param name="Permissive">The <c>permissive</c> setting of <c>/etc/fapolicyd/fapolicyd.conf</c> (0 enforces; fapolicyd's
/// default when the line is absent is 0).</param>
/// <param name="PermissiveSource"><c>file:line</c> of the setting, or null when the default applies.</param>
/// <param name="Enabled">fapolicyd.service is linked into a target's <c>.wants</c> directory.</param>
/// <param name="Running">A fapolicyd process runs; null when the process table could not be read (an offline tree).</param>
public sealed record FapolicydState(int Permissive, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? PermissiveSource,
    bool Enabled, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] bool? Running);

/// <summary>IMA appraisal settings.</summary>
/// <param name="AppraiseMode">The <c>ima_appraise=</c> value on the kernel command line (<c>enforce</c>, <c>fix</c>,
/// <c>log</c>, <c>off</c>), or null when not given (the kernel then enforces).</param>
/// <param name="BuiltinPolicies">The <c>ima_policy=</c> names on the command line (<c>appraise_tcb</c>, <c>secure_boot</c>…).</param>
/// <param name="PolicySource">Where the appraise rules were read: <c>/sys/kernel/security/ima/policy</c> (the loaded
/// policy), <c>/etc/ima/ima-policy</c> (the policy systemd loads at boot), or null when neither is readable.</param>
/// <param name="AppraiseRules">The policy's <c>appraise</c> rules as written (at most 256).</param>
public sealed record ImaAppraisalState([property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? AppraiseMode, IReadOnlyList<string> BuiltinPolicies,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? PolicySource, IReadOnlyList<string> AppraiseRules);

/// <summary>Windows code integrity, from <c>Win32_DeviceGuard</c>.</summary>
/// <param name="UserMode">User-mode code integrity (WDAC for applications): <c>off</c>, <c>audit</c> or <c>enforced</c>.</param>
/// <param name="KernelMode">Kernel-mode code integrity policy: <c>off</c>, <c>audit</c> or <c>enforced</c>.</param>
/// <param name="HypervisorEnforced">Hypervisor-protected code integrity (HVCI) is running.</param>
public sealed record CodeIntegrityState(string UserMode, string KernelMode, bool HypervisorEnforced);
