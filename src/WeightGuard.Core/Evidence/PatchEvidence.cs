namespace WeightGuard.Core.Evidence;

/// <summary>Security updates that the package manager knows of but that are not installed. Read from its metadata; nothing is run.</summary>
public sealed record PatchEvidence
{
    /// <summary><c>dpkg</c>, <c>rpm</c>, <c>windows-update</c> or <c>none</c>.</summary>
    public required string PackageManager { get; init; }
    /// <summary>False when the metadata does not allow an answer; see <see cref="Reason"/>.</summary>
    public required bool Determinable { get; init; }
    /// <summary>Why it is not determinable, or null.</summary>
    public string? Reason { get; init; }
    /// <summary>Package lists from security suites that were compared.</summary>
    public IReadOnlyList<string> SecurityLists { get; init; } = [];
    /// <summary>Age in whole days of the newest security suite's Release file when collected (how stale the answer may be).</summary>
    public int? ListsAgeDays { get; init; }
    /// <summary>Windows: age in whole days of the newest installed update (Win32_QuickFixEngineering), as there are no lists to compare.</summary>
    public int? NewestUpdateAgeDays { get; init; }
    /// <summary>Packages installed (updates installed, on Windows).</summary>
    public int InstalledPackages { get; init; }
    /// <summary>Installed packages with a newer version in a security suite (Windows: updates installed but waiting for a reboot).</summary>
    public int PendingCount { get; init; }
    /// <summary>Those packages (the first 200, by name).</summary>
    public IReadOnlyList<PendingUpdate> Pending { get; init; } = [];
}

/// <summary>An installed package with a security update available.</summary>
/// <param name="Package">Package name.</param>
/// <param name="Installed">Installed version.</param>
/// <param name="Available">Newest version in the security suite.</param>
/// <param name="Suite">The suite offering it, e.g. <c>bookworm-security</c>; on RPM hosts the advisory, e.g. <c>RLSA-2024:3166</c>; on Windows <c>reboot-required</c>.</param>
public sealed record PendingUpdate(string Package, string Installed, string Available, string Suite);
