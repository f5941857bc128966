namespace WeightGuard.Core.Evaluation;

/// <summary>The verdict on one control. Serialised as <c>pass</c>, <c>fail</c>, <c>error</c>, <c>not-applicable</c>, <c>waived</c>, <c>manual</c>, <c>attested</c>.</summary>
public enum ControlStatus
{
    /// <summary>The evidence shows the control holds.</summary>
    Pass,
    /// <summary>The evidence shows it does not.</summary>
    Fail,
    /// <summary>The evidence could not be collected or read; never a silent pass.</summary>
    Error,
    /// <summary>The control does not apply to this host (platform, no weights, no such device).</summary>
    NotApplicable,
    /// <summary>It failed, and a valid waiver covers it.</summary>
    Waived,
    /// <summary>A person must attest it (an agent cannot observe it) and no attestation in force covers this host.</summary>
    Manual,
    /// <summary>A manual control that a person's attestation, in force, says holds on this host; never counted as observed.</summary>
    Attested,
}
