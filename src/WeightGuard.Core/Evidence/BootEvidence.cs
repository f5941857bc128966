namespace WeightGuard.Core.Evidence;

/// <summary>How the host booted, as its firmware variables tell (unauthenticated; the TPM quote is the attested path).</summary>
public sealed record BootEvidence
{
    /// <summary><c>uefi</c>, <c>bios</c> (legacy boot: no Secure Boot possible) or <c>unknown</c> (not readable; see <see cref="Error"/>).</summary>
    public required string Firmware { get; init; }
    /// <summary>SecureBoot variable is 1; null when unreadable.</summary>
    public bool? SecureBoot { get; init; }
    /// <summary>SetupMode variable is 1 (no platform key: anything may be enrolled).</summary>
    public bool? SetupMode { get; init; }
    /// <summary>Why a variable could not be read, or null.</summary>
    public string? Error { get; init; }
}
