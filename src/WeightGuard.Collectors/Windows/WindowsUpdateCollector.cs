using System.Globalization;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Windows;

/// <summary>
/// What Windows can say about its updates without asking Windows Update (which needs the network and minutes):
/// the newest installed update's age from <c>Win32_QuickFixEngineering.InstalledOn</c>, and updates installed but
/// waiting for a reboot from the <c>WindowsUpdate\Auto Update\RebootRequired</c> key. Limits: updates not yet
/// downloaded are not seen at all, so a host that stopped updating shows only as an ageing newest update; QFE lists
/// only component-based servicing updates and some carry no date.
/// </summary>
public static class WindowsUpdateCollector
{
    private const string RebootRequired = @"SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired";
    private const int MaxReported = 200;

    /// <summary>Collects patch evidence as of <paramref name="now"/>.</summary>
    public static PatchEvidence Collect(ICimQuery cim, IRegistryReader registry, DateTimeOffset now)
    {
        IReadOnlyList<CimRow> hotfixes;
        IReadOnlyList<string> waiting;
        try
        {
            hotfixes = cim.Query(@"root\cimv2", "SELECT HotFixID, InstalledOn FROM Win32_QuickFixEngineering");
            waiting = registry.GetValueNames(RebootRequired) ?? [];
        }
        catch (Exception e) when (e is CimQueryException or UnauthorizedAccessException)
        {
            return new PatchEvidence
            {
                PackageManager = "windows-update", Determinable = false,
                Reason = e is CimQueryException c ? c.Reason("Win32_QuickFixEngineering") : e.Message,
            };
        }
        var dates = hotfixes.Select(h => InstalledOn(h.Text("InstalledOn"))).OfType<DateTimeOffset>().ToList();
        var pending = waiting.Order(StringComparer.Ordinal).Select(id => new PendingUpdate(id, "installed", "active after a reboot", "reboot-required")).ToList();
        return new PatchEvidence
        {
            PackageManager = "windows-update",
            Determinable = dates.Count > 0,
            Reason = dates.Count > 0 ? null : "no installed update carries an installation date (Win32_QuickFixEngineering.InstalledOn)",
            SecurityLists = ["Win32_QuickFixEngineering", $@"HKLM\{RebootRequired}"],
            NewestUpdateAgeDays = dates.Count > 0 ? (int)Math.Max(0, (now - dates.Max()).TotalDays) : null,
            InstalledPackages = hotfixes.Count,
            PendingCount = pending.Count,
            Pending = pending.Take(MaxReported).ToList(),
        };
    }

    /// <summary><c>InstalledOn</c> is <c>M/d/yyyy</c> whatever the locale, or on some builds a FILETIME in hex; null when neither.</summary>
    public static DateTimeOffset? InstalledOn(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (DateTime.TryParseExact(text.Trim(), "M/d/yyyy", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date))
            return new DateTimeOffset(date, TimeSpan.Zero);
        if (text.Length == 16 && long.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var fileTime) && fileTime > 0 && fileTime <= DateTime.MaxValue.ToFileTimeUtc())
            return DateTimeOffset.FromFileTime(fileTime).ToUniversalTime();
        return null;
    }
}
