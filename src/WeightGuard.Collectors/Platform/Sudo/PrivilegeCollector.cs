using System.Globalization;
using WeightGuard.Collectors.Access;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Platform.Sudo;

/// <summary>
/// Finds who can act as root: accounts with uid 0, sudo rules that run any command (or a shell) as root, and members of
/// groups that are root in all but name.
/// </summary>
/// <param name="root">The host root.</param>
/// <param name="accounts">The host's accounts and groups.</param>
public sealed class PrivilegeCollector(HostRoot root, AccountDatabase accounts)
{
    /// <summary>Groups whose members can act as root without sudo, and why.</summary>
    public static IReadOnlyDictionary<string, string> RootEquivalentGroups { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["docker"] = "the Docker daemon runs containers as root with any host path mounted",
        ["disk"] = "raw block devices can be read and written, bypassing file permissions",
        ["lxd"] = "LXD starts privileged containers with host paths mounted",
        ["incus-admin"] = "Incus starts privileged containers with host paths mounted",
        ["libvirt"] = "libvirt starts virtual machines with host disks and devices attached",
    };

    /// <summary>Commands that amount to a root shell when run as root through sudo.</summary>
    private static readonly HashSet<string> Shells = new(StringComparer.Ordinal) { "sh", "bash", "dash", "zsh", "ksh", "csh", "tcsh", "fish", "su" };

    /// <summary>Collects privilege evidence.</summary>
    public PrivilegeEvidence Collect()
    {
        var errors = new List<PathError>();
        var budget = new ConfigFileBudget(root);
        Sudoers? sudoers = null;
        string? sudoersError = null;
        try
        {
            if (File.Exists(root.Resolve("/etc/sudoers"))) sudoers = new SudoersParser(budget).Parse();
        }
        catch (InvalidDataException e)
        {
            sudoersError = e.Message;
        }
        catch (UnauthorizedAccessException e)
        {
            errors.Add(new PathError(budget.Files.Count == 0 ? "/etc/sudoers" : budget.Files[^1], "permission denied: " + e.Message));
        }

        var groups = RootEquivalentGroups
            .Select(g => (g, Gid: accounts.GroupId(g.Key)))
            .Where(x => x.Gid is not null)
            .Select(x => new PrivilegedGroup(x.g.Key, x.Gid!.Value, Members(x.Gid.Value).Select(a => a.Name).ToList(), x.g.Value))
            .ToList();

        var grants = new Dictionary<string, (Account Account, List<string> Via, bool NoPassword)>(StringComparer.Ordinal);
        void Grant(Account a, string via, bool noPassword)
        {
            if (a.Name == "root") return;
            if (!grants.TryGetValue(a.Name, out var g)) grants[a.Name] = g = (a, [], false);
            if (!g.Via.Contains(via)) g.Via.Add(via);
            grants[a.Name] = g with { NoPassword = g.NoPassword || noPassword };
        }
        foreach (var a in accounts.Accounts.Where(a => a.Uid == 0)) Grant(a, "uid-0", true);
        foreach (var g in groups)
            foreach (var a in Members((uint)g.Gid)) Grant(a, "group:" + g.Name, false);
        var everyoneNoAuth = sudoers?.AuthenticationDisabled.Any(d => d.StartsWith("Defaults ", StringComparison.Ordinal)) ?? false;
        foreach (var rule in sudoers?.Rules ?? [])
        {
            if (!RunsAsRoot(rule) || !rule.Commands.Any(IsRootShell)) continue;
            var noPassword = rule.NoPassword || everyoneNoAuth;
            foreach (var a in rule.Principals.SelectMany(Resolve)) Grant(a, "sudo:" + rule.Source, noPassword);
        }
        return new PrivilegeEvidence
        {
            SudoersFiles = budget.Files,
            SudoRules = sudoers?.Rules ?? [],
            AuthenticationDisabled = sudoers?.AuthenticationDisabled ?? [],
            Groups = groups,
            RootEquivalent = grants.Values.OrderBy(g => g.Account.Name, StringComparer.Ordinal)
                .Select(g => new RootEquivalentAccount(g.Account.Name, g.Account.Uid, g.Account.HasLoginShell, g.NoPassword, g.Via)).ToList(),
            SudoersError = sudoersError,
            Errors = errors,
        };
    }

    private static bool RunsAsRoot(SudoRule rule) => rule.RunAs.Any(r => r is "root" or "ALL" or "#0");

    /// <summary><c>ALL</c>, or a shell or <c>su</c> by any path, with or without arguments.</summary>
    public static bool IsRootShell(string command)
    {
        if (command == "ALL") return true;
        var program = command.Split(' ', 2)[0];
        return Shells.Contains(program[(program.LastIndexOf('/') + 1)..]);
    }

    private IEnumerable<Account> Members(uint gid) => accounts.Accounts.Where(a => a.Groups.Contains(gid));

    /// <summary>The accounts a sudoers principal stands for: a name, <c>#uid</c>, <c>%group</c>, <c>%#gid</c> or <c>ALL</c>.</summary>
    private IEnumerable<Account> Resolve(string principal)
    {
        if (principal == "ALL") return accounts.Accounts;
        if (principal.StartsWith("%#", StringComparison.Ordinal))
            return uint.TryParse(principal.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var gid) ? Members(gid) : [];
        if (principal.StartsWith('%'))
            return accounts.GroupId(principal[1..].Trim('"')) is { } g ? Members(g) : [];
        if (principal.StartsWith('#'))
            return uint.TryParse(principal.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var uid) && accounts.ByUid(uid) is { } byUid ? [byUid] : [];
        return accounts.ByName(principal) is { } a ? [a] : [];
    }
}
