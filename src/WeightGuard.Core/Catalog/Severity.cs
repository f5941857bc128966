namespace WeightGuard.Core.Catalog;

/// <summary>How much a failing control matters.</summary>
public enum Severity
{
    /// <summary>Hardening that reduces exposure at the margin.</summary>
    Low,
    /// <summary>A weakness an attacker with some access can use.</summary>
    Medium,
    /// <summary>A direct path to the weights for a capable attacker.</summary>
    High,
    /// <summary>Weights exposed to anyone who reaches the host or its disks.</summary>
    Critical,
}
