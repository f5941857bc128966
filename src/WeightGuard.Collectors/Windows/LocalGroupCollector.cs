using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Windows;

/// <summary>
/// Who administers a Windows host: members of the local Administrators group (SID S-1-5-32-544, found by SID because
/// its name is translated) as root-equivalent accounts, and members of Remote Desktop Users (S-1-5-32-555), through
/// <c>Win32_Group</c> and its <c>Win32_GroupUser</c> associations. The built-in Administrator (RID 500, the counterpart
/// of root) and disabled accounts are left out; a nested group counts as one member that people are in.
/// </summary>
public static class LocalGroupCollector
{
    private const string Namespace = @"root\cimv2";
    private const string Administrators = "S-1-5-32-544", RemoteDesktopUsers = "S-1-5-32-555";

    /// <summary>Collects privilege evidence.</summary>
    public static PrivilegeEvidence Collect(ICimQuery cim)
    {
        try
        {
            var (adminGroup, admins) = Members(cim, Administrators);
            var (_, remote) = Members(cim, RemoteDesktopUsers);
            var enabled = admins.Where(m => m.Boolean("Disabled") != true && !(m.Text("SID") ?? "").EndsWith("-500", StringComparison.Ordinal)).ToList();
            return new PrivilegeEvidence
            {
                Groups = adminGroup is null ? [] : [new PrivilegedGroup(adminGroup, 544, admins.Select(Name).ToList(), "members administer the host")],
                RootEquivalent = enabled.Select(m => new RootEquivalentAccount(Name(m), Rid(m), m.ClassName != "Win32_SystemAccount",
                    m.ClassName == "Win32_UserAccount" && m.Boolean("PasswordRequired") == false, [$"group:{adminGroup}"])).ToList(),
                RemoteDesktopUsers = remote.Select(Name).ToList(),
            };
        }
        catch (CimQueryException e)
        {
            return new PrivilegeEvidence { Errors = [new PathError("Win32_Group", e.Reason("Win32_Group / Win32_GroupUser"))] };
        }
    }

    /// <summary>The local group with <paramref name="sid"/> (null when there is none) and its members.</summary>
    private static (string? Group, IReadOnlyList<CimRow> Members) Members(ICimQuery cim, string sid)
    {
        var group = cim.Query(Namespace, $"SELECT Name, Domain FROM Win32_Group WHERE LocalAccount = TRUE AND SID = '{sid}'").FirstOrDefault();
        if (group?.Text("Name") is not { } name) return (null, []);
        var domain = group.Text("Domain") ?? "";
        var members = cim.Query(Namespace, $"ASSOCIATORS OF {{Win32_Group.Domain='{Quote(domain)}',Name='{Quote(name)}'}} WHERE AssocClass = Win32_GroupUser ResultRole = PartComponent");
        return (name, members.OrderBy(Name, StringComparer.OrdinalIgnoreCase).ToList());
    }

    private static string Name(CimRow account) => $@"{account.Text("Domain")}\{account.Text("Name")}";

    /// <summary>The relative id, the last part of the SID (-1 when there is none).</summary>
    private static long Rid(CimRow account) => long.TryParse((account.Text("SID") ?? "").Split('-')[^1], out var rid) ? rid : -1;

    /// <summary>Escapes a value inside a single-quoted WQL object path.</summary>
    private static string Quote(string value) => value.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("'", @"\'", StringComparison.Ordinal);
}
