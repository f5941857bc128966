using WeightGuard.Collectors.Native;
using WeightGuard.Collectors.Weights;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Access;

/// <summary>
/// Records, for each weight file, its mode, owner, group and POSIX ACL, those of every directory above it, and the
/// accounts that can actually open it: a reader needs traverse permission on every directory and read on the file.
/// </summary>
public sealed class AccessControlCollector(HostRoot root, AccountDatabase accounts)
{
    private readonly Dictionary<string, (DirectoryAccess Evidence, ObjectPermissions Permissions)?> _directories = new(StringComparer.Ordinal);
    private readonly List<PathError> _errors = [];

    /// <summary>Collects access evidence for the weight files a walk found.</summary>
    public AccessEvidence Collect(IReadOnlyList<(string HostPath, string LocalPath)> weightFiles)
    {
        var files = new List<WeightFileAccess>();
        foreach (var (hostPath, localPath) in weightFiles)
            if (File(hostPath, localPath) is { } f) files.Add(f);
        return new AccessEvidence
        {
            Files = files,
            Directories = _directories.Values.Where(d => d is not null).Select(d => d!.Value.Evidence).OrderBy(d => d.Path, StringComparer.Ordinal).ToList(),
            HumanAccounts = accounts.Accounts.Where(a => a.HasLoginShell && a.Uid != 0).Select(a => a.Name).Distinct().Order(StringComparer.Ordinal).ToList(),
            Errors = _errors.OrderBy(e => e.Path, StringComparer.Ordinal).ToList(),
        };
    }

    private WeightFileAccess? File(string hostPath, string localPath)
    {
        if (Read(hostPath, localPath) is not { } file) return null;
        var chain = new List<ObjectPermissions>();
        foreach (var dir in Ancestors(hostPath))
        {
            if (Directory(dir) is not { } d) return null; // unreadable directory: recorded in errors, readers unknown
            chain.Add(d.Permissions);
        }
        var readers = new List<Reader>();
        foreach (var account in accounts.Accounts.Where(a => a.Uid != 0).DistinctBy(a => a.Uid))
        {
            if (!chain.All(d => PermissionEvaluator.Check(account, d, PermissionEvaluator.Execute, accounts.GroupName).Granted)) continue;
            var (granted, via) = PermissionEvaluator.Check(account, file.Permissions, PermissionEvaluator.Read, accounts.GroupName);
            if (granted) readers.Add(new Reader(account.Name, account.Uid, account.HasLoginShell, via));
        }
        var owner = accounts.ByUid(file.Permissions.Uid);
        return new WeightFileAccess
        {
            Path = hostPath, Mode = file.Mode, Owner = file.Owner, Uid = file.Permissions.Uid, Group = file.Group, Gid = file.Permissions.Gid,
            Acl = file.Acl, OwnerHasLoginShell = owner?.HasLoginShell ?? false,
            WorldReadable = PermissionEvaluator.OthersGranted(file.Permissions, PermissionEvaluator.Read),
            WorldWritable = PermissionEvaluator.OthersGranted(file.Permissions, PermissionEvaluator.Write),
            Readers = readers,
        };
    }

    private (DirectoryAccess Evidence, ObjectPermissions Permissions)? Directory(string hostPath)
    {
        if (_directories.TryGetValue(hostPath, out var known)) return known;
        (DirectoryAccess, ObjectPermissions)? result = null;
        if (Read(hostPath, root.Resolve(hostPath)) is { } d)
        {
            var sticky = (d.Permissions.Permissions & 0x200) != 0;
            result = (new DirectoryAccess
            {
                Path = hostPath, Mode = d.Mode, Owner = d.Owner, Uid = d.Permissions.Uid, Group = d.Group, Gid = d.Permissions.Gid, Acl = d.Acl,
                WorldTraversable = PermissionEvaluator.OthersGranted(d.Permissions, PermissionEvaluator.Execute),
                WorldReadable = PermissionEvaluator.OthersGranted(d.Permissions, PermissionEvaluator.Read),
                WorldWritable = !sticky && PermissionEvaluator.OthersGranted(d.Permissions, PermissionEvaluator.Write),
            }, d.Permissions);
        }
        _directories[hostPath] = result;
        return result;
    }

    private sealed record Observed(ObjectPermissions Permissions, string Mode, string Owner, string Group, IReadOnlyList<AclEntry> Acl);

    private Observed? Read(string hostPath, string localPath)
    {
        try
        {
            var status = FileStatus.Stat(localPath);
            var acl = PosixAcl.Read(localPath);
            var permissions = new ObjectPermissions(status.Uid, status.Gid, status.Permissions, acl);
            var named = acl.Where(e => e.Tag is PosixAclTag.User or PosixAclTag.Group or PosixAclTag.Mask)
                .Select(e => new AclEntry(e.Tag switch { PosixAclTag.User => "user", PosixAclTag.Group => "group", _ => "mask" }, Rwx(e.Permissions),
                    e.Tag switch { PosixAclTag.User => accounts.UserName(e.Id), PosixAclTag.Group => accounts.GroupName(e.Id), _ => null }))
                .ToList();
            return new Observed(permissions, status.OctalMode, accounts.UserName(status.Uid), accounts.GroupName(status.Gid), named);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            _errors.Add(new PathError(hostPath, WeightInventoryCollector.Reason(e)));
            return null;
        }
    }

    /// <summary>Every directory from <c>/</c> down to the file's parent, as host paths.</summary>
    private static IEnumerable<string> Ancestors(string hostPath)
    {
        yield return "/";
        for (var i = hostPath.IndexOf('/', 1); i > 0; i = hostPath.IndexOf('/', i + 1)) yield return hostPath[..i];
    }

    private static string Rwx(int bits) => $"{((bits & 4) != 0 ? 'r' : '-')}{((bits & 2) != 0 ? 'w' : '-')}{((bits & 1) != 0 ? 'x' : '-')}";
}
