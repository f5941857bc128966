using WeightGuard.Core.Inputs;

namespace WeightGuard.Collectors.Access;

/// <summary>A local account from <c>/etc/passwd</c>, with every group it belongs to.</summary>
/// <param name="Name">Login name.</param>
/// <param name="Uid">User id.</param>
/// <param name="PrimaryGid">Primary group id.</param>
/// <param name="Shell">Login shell.</param>
/// <param name="Groups">Primary and supplementary group ids.</param>
public sealed record Account(string Name, uint Uid, uint PrimaryGid, string Shell, IReadOnlySet<uint> Groups)
{
    /// <summary>Home directory.</summary>
    public string Home { get; init; } = "/";

    private static readonly string[] NoLoginShells = ["/usr/sbin/nologin", "/sbin/nologin", "/bin/false", "/usr/bin/false", "/bin/sync", "/sbin/shutdown", "/sbin/halt"];

    /// <summary>The account has a shell a person can log in with: it counts as a human.</summary>
    public bool HasLoginShell => Shell.Length > 0 && !NoLoginShells.Contains(Shell) && !Shell.EndsWith("/nologin", StringComparison.Ordinal);
}

/// <summary>The host's accounts and groups, read from <c>/etc/passwd</c> and <c>/etc/group</c> through the host root.</summary>
public sealed class AccountDatabase
{
    private readonly Dictionary<uint, string> _groupNames;
    private readonly Dictionary<uint, Account> _byUid;

    private AccountDatabase(IReadOnlyList<Account> accounts, Dictionary<uint, string> groupNames)
    {
        Accounts = accounts;
        _groupNames = groupNames;
        _byUid = new Dictionary<uint, Account>();
        foreach (var a in accounts) _byUid.TryAdd(a.Uid, a); // the first entry for a uid wins, as getpwuid does
    }

    /// <summary>All accounts in file order.</summary>
    public IReadOnlyList<Account> Accounts { get; }

    /// <summary>Reads the account files; missing files give an empty database.</summary>
    /// <exception cref="UnauthorizedAccessException">A file exists but may not be read.</exception>
    public static AccountDatabase Read(HostRoot root) =>
        Parse(root.ReadText("/etc/passwd", InputKind.AccountDatabase) ?? "", root.ReadText("/etc/group", InputKind.AccountDatabase) ?? "");

    /// <summary>Parses passwd and group text. Malformed lines are skipped, as the C library skips them.</summary>
    public static AccountDatabase Parse(string passwd, string group)
    {
        var groupNames = new Dictionary<uint, string>();
        var members = new Dictionary<string, HashSet<uint>>(StringComparer.Ordinal);
        foreach (var line in group.Split('\n'))
        {
            var f = line.Split(':');
            if (f.Length < 4 || !uint.TryParse(f[2], out var gid)) continue;
            groupNames.TryAdd(gid, f[0]);
            foreach (var m in f[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!members.TryGetValue(m, out var set)) members[m] = set = [];
                set.Add(gid);
            }
        }
        var accounts = new List<Account>();
        foreach (var line in passwd.Split('\n'))
        {
            var f = line.Split(':');
            if (f.Length < 7 || f[0].Length == 0 || !uint.TryParse(f[2], out var uid) || !uint.TryParse(f[3], out var gid)) continue;
            var groups = new HashSet<uint> { gid };
            if (members.TryGetValue(f[0], out var extra)) groups.UnionWith(extra);
            accounts.Add(new Account(f[0], uid, gid, f[6].Trim(), groups) { Home = f[5] });
        }
        return new AccountDatabase(accounts, groupNames);
    }

    /// <summary>The account name for a uid, or the uid as text.</summary>
    public string UserName(uint uid) => _byUid.TryGetValue(uid, out var a) ? a.Name : uid.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The group name for a gid, or the gid as text.</summary>
    public string GroupName(uint gid) => _groupNames.TryGetValue(gid, out var n) ? n : gid.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The gid of the group with this name, or null.</summary>
    public uint? GroupId(string name) => _groupNames.Where(g => g.Value == name).Select(g => (uint?)g.Key).FirstOrDefault();

    /// <summary>The account with this name, or null.</summary>
    public Account? ByName(string name) => Accounts.FirstOrDefault(a => a.Name == name);

    /// <summary>The account with this uid, or null.</summary>
    public Account? ByUid(uint uid) => _byUid.GetValueOrDefault(uid);
}
