namespace WeightGuard.Core.Evidence;

/// <summary>Who can become root on the host, through sudo or through groups that are root in all but name.</summary>
public sealed record PrivilegeEvidence
{
    /// <summary>sudoers files read (with their includes), in order.</summary>
    public IReadOnlyList<string> SudoersFiles { get; init; } = [];
    /// <summary>Every sudo rule, aliases expanded.</summary>
    public IReadOnlyList<SudoRule> SudoRules { get; init; } = [];
    /// <summary><c>Defaults</c> entries that switch authentication off (<c>!authenticate</c>).</summary>
    public IReadOnlyList<string> AuthenticationDisabled { get; init; } = [];
    /// <summary>Groups whose members are root-equivalent, with members.</summary>
    public IReadOnlyList<PrivilegedGroup> Groups { get; init; } = [];
    /// <summary>Accounts other than root that can act as root, with how.</summary>
    public IReadOnlyList<RootEquivalentAccount> RootEquivalent { get; init; } = [];
    /// <summary>Windows: members of the local Remote Desktop Users group (<c>DOMAIN\name</c>), who may log on remotely.</summary>
    public IReadOnlyList<string> RemoteDesktopUsers { get; init; } = [];
    /// <summary>Why sudoers could not be read in full (sudo would refuse it too), or null.</summary>
    public string? SudoersError { get; init; }
    /// <summary>Paths that could not be read.</summary>
    public IReadOnlyList<PathError> Errors { get; init; } = [];
}

/// <summary>One command specification of a sudoers user rule.</summary>
/// <param name="Principals">Users and <c>%groups</c> it applies to.</param>
/// <param name="RunAs">Target users (<c>root</c> when none is written).</param>
/// <param name="Commands">Commands allowed; <c>ALL</c> means any.</param>
/// <param name="NoPassword">Tagged <c>NOPASSWD</c>.</param>
/// <param name="Source"><c>file:line</c>.</param>
public sealed record SudoRule(IReadOnlyList<string> Principals, IReadOnlyList<string> RunAs, IReadOnlyList<string> Commands, bool NoPassword, string Source);

/// <summary>A group whose members can act as root.</summary>
/// <param name="Name">Group name.</param>
/// <param name="Gid">Group id.</param>
/// <param name="Members">Accounts in it (primary or supplementary).</param>
/// <param name="Reason">Why membership is root-equivalent.</param>
public sealed record PrivilegedGroup(string Name, long Gid, IReadOnlyList<string> Members, string Reason);

/// <summary>An account that can act as root.</summary>
/// <param name="Account">Account name.</param>
/// <param name="Uid">Its uid.</param>
/// <param name="Human">It has a login shell.</param>
/// <param name="NoPassword">It can become root without typing a password (NOPASSWD on ALL, or authentication off).</param>
/// <param name="Via">How: <c>uid-0</c>, <c>group:docker</c>, <c>sudo:FILE:LINE</c>.</param>
public sealed record RootEquivalentAccount(string Account, long Uid, bool Human, bool NoPassword, IReadOnlyList<string> Via);
