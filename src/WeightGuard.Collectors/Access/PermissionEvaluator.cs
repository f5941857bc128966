using WeightGuard.Collectors.Native;

namespace WeightGuard.Collectors.Access;

/// <summary>Ownership, mode and access ACL of one file-system object.</summary>
/// <param name="Uid">Owner.</param>
/// <param name="Gid">Owning group.</param>
/// <param name="Permissions">Mode permission bits.</param>
/// <param name="Acl">Access ACL entries; empty when the object has only mode bits.</param>
public sealed record ObjectPermissions(uint Uid, uint Gid, uint Permissions, IReadOnlyList<PosixAclEntry> Acl);

/// <summary>
/// Decides whether an account may read, write or traverse an object, following the POSIX.1e access-check algorithm
/// (owner, then named users, then owning and named groups under the mask, then other). Root is not judged here: it may
/// read everything, and who can become root is a separate control.
/// </summary>
public static class PermissionEvaluator
{
    /// <summary>Read permission bit.</summary>
    public const int Read = 4;
    /// <summary>Write permission bit.</summary>
    public const int Write = 2;
    /// <summary>Execute / traverse permission bit.</summary>
    public const int Execute = 1;

    /// <summary>Whether <paramref name="account"/> is granted <paramref name="wanted"/>, and by which entry (<c>owner</c>, <c>group:NAME</c>, <c>acl-user</c>, <c>acl-group:NAME</c>, <c>other</c>).</summary>
    public static (bool Granted, string Via) Check(Account account, ObjectPermissions o, int wanted, Func<uint, string> groupName)
    {
        var hasAcl = o.Acl.Count > 0;
        if (account.Uid == o.Uid)
            return (Grants(hasAcl ? Entry(o, PosixAclTag.UserObj) ?? (int)(o.Permissions >> 6) & 7 : (int)(o.Permissions >> 6) & 7, wanted), "owner");

        var mask = hasAcl ? Entry(o, PosixAclTag.Mask) ?? 7 : 7;
        if (hasAcl && o.Acl.FirstOrDefault(e => e.Tag == PosixAclTag.User && e.Id == account.Uid) is { Tag: PosixAclTag.User } named)
            return (Grants(named.Permissions & mask, wanted), "acl-user");

        var groupMatched = false;
        if (account.Groups.Contains(o.Gid))
        {
            groupMatched = true;
            var bits = hasAcl ? (Entry(o, PosixAclTag.GroupObj) ?? 0) & mask : (int)(o.Permissions >> 3) & 7;
            if (Grants(bits, wanted)) return (true, "group:" + groupName(o.Gid));
        }
        foreach (var g in o.Acl.Where(e => e.Tag == PosixAclTag.Group && account.Groups.Contains(e.Id)))
        {
            groupMatched = true;
            if (Grants(g.Permissions & mask, wanted)) return (true, "acl-group:" + groupName(g.Id));
        }
        if (groupMatched) return (false, "group");
        var other = hasAcl ? Entry(o, PosixAclTag.Other) ?? (int)o.Permissions & 7 : (int)o.Permissions & 7;
        return (Grants(other, wanted), "other");
    }

    /// <summary>Whether others (no matching user or group entry) are granted <paramref name="wanted"/>.</summary>
    public static bool OthersGranted(ObjectPermissions o, int wanted) =>
        Grants(o.Acl.Count > 0 ? Entry(o, PosixAclTag.Other) ?? (int)o.Permissions & 7 : (int)o.Permissions & 7, wanted);

    private static int? Entry(ObjectPermissions o, PosixAclTag tag)
    {
        foreach (var e in o.Acl) if (e.Tag == tag) return e.Permissions;
        return null;
    }

    private static bool Grants(int bits, int wanted) => (bits & wanted) == wanted;
}
