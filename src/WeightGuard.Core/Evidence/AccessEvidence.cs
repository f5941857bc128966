namespace WeightGuard.Core.Evidence;

/// <summary>File permissions of the weights and the directories above them, and who they let read.</summary>
public sealed record AccessEvidence
{
    /// <summary>One entry per weight file (the link target where the file is a link).</summary>
    public required IReadOnlyList<WeightFileAccess> Files { get; init; }
    /// <summary>Every directory that must be traversed to reach a weight file, once each, sorted by path.</summary>
    public required IReadOnlyList<DirectoryAccess> Directories { get; init; }
    /// <summary>Accounts with a login shell: people, as far as the host can tell.</summary>
    public required IReadOnlyList<string> HumanAccounts { get; init; }
    /// <summary>Files or directories whose permissions could not be read.</summary>
    public required IReadOnlyList<PathError> Errors { get; init; }
}

/// <summary>Ownership and permission bits shared by files and directories.</summary>
public abstract record FileSystemAccess
{
    /// <summary>The host path.</summary>
    public required string Path { get; init; }
    /// <summary>Permission bits in octal, e.g. <c>0640</c>.</summary>
    public required string Mode { get; init; }
    /// <summary>Owner account name (or the uid as text when unknown).</summary>
    public required string Owner { get; init; }
    /// <summary>Owner uid.</summary>
    public required long Uid { get; init; }
    /// <summary>Group name (or the gid as text when unknown).</summary>
    public required string Group { get; init; }
    /// <summary>Group gid.</summary>
    public required long Gid { get; init; }
    /// <summary>POSIX ACL entries beyond the mode bits, from <c>system.posix_acl_access</c>.</summary>
    public required IReadOnlyList<AclEntry> Acl { get; init; }
}

/// <summary>A weight file's permissions and effective readers.</summary>
public sealed record WeightFileAccess : FileSystemAccess
{
    /// <summary>Whether the owner account has a login shell.</summary>
    public required bool OwnerHasLoginShell { get; init; }
    /// <summary>Others may read the file itself (mode or ACL).</summary>
    public required bool WorldReadable { get; init; }
    /// <summary>Others may write the file itself.</summary>
    public required bool WorldWritable { get; init; }
    /// <summary>Accounts other than root that can open the file for reading, through every directory above it.</summary>
    public required IReadOnlyList<Reader> Readers { get; init; }
}

/// <summary>A directory on the way to weight files.</summary>
public sealed record DirectoryAccess : FileSystemAccess
{
    /// <summary>Others may traverse it (x for other).</summary>
    public required bool WorldTraversable { get; init; }
    /// <summary>Others may list it.</summary>
    public required bool WorldReadable { get; init; }
    /// <summary>Others may create or delete entries (and it is not sticky).</summary>
    public required bool WorldWritable { get; init; }
}

/// <summary>A POSIX ACL entry.</summary>
/// <param name="Tag"><c>user</c>, <c>group</c> or <c>mask</c> (owner, owning group and other are in the mode).</param>
/// <param name="Permissions">e.g. <c>r-x</c>.</param>
/// <param name="Qualifier">The named user or group, or null for the mask.</param>
public sealed record AclEntry(string Tag, string Permissions, string? Qualifier = null);

/// <summary>An account that can read a weight file.</summary>
/// <param name="Account">Account name.</param>
/// <param name="Uid">Its uid.</param>
/// <param name="Human">It has a login shell.</param>
/// <param name="Via">What grants it: <c>owner</c>, <c>group:NAME</c>, <c>acl-user</c>, <c>acl-group:NAME</c> or <c>other</c>.</param>
public sealed record Reader(string Account, long Uid, bool Human, string Via);
