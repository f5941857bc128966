using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Platform.Patches;

/// <summary>
/// Pending security updates on RPM hosts, without running dnf, yum or rpm: the installed packages come from the RPM
/// database (<c>rpmdb.sqlite</c>), the fixes from the <c>updateinfo.xml</c> that dnf cached for each repository; an
/// installed package (newest installed version of a name and architecture, as dnf compares) older than a security
/// advisory's package is pending. As fresh as the last <c>dnf makecache</c>; ignores excludes and modular filtering.
/// </summary>
/// <param name="root">The host root.</param>
/// <param name="now">The time of collection, for the age of the metadata.</param>
public sealed class RpmPatchCollector(HostRoot root, DateTimeOffset now)
{
    /// <summary>Where rpm keeps its database: <c>/usr/lib/sysimage/rpm</c> on Fedora ≥ 36 (with <c>/var/lib/rpm</c> a link), else <c>/var/lib/rpm</c>.</summary>
    public static readonly string[] DatabaseDirectories = ["/usr/lib/sysimage/rpm", "/var/lib/rpm"];

    private static readonly string[] UpdateInfoPatterns = ["/var/cache/dnf/*/repodata/*updateinfo.xml*", "/var/cache/libdnf5/*/repodata/*updateinfo.xml*"];
    private const int MaxReported = 200;

    /// <summary>Collects patch evidence.</summary>
    /// <exception cref="InvalidDataException">The RPM database or an updateinfo file is malformed or over the limits.</exception>
    public PatchEvidence Collect()
    {
        var database = DatabaseDirectories.Select(d => d + "/rpmdb.sqlite").FirstOrDefault(f => File.Exists(root.Resolve(f)));
        if (database is null)
            return NotDeterminable(0, "the RPM database is not in SQLite form (Berkeley DB 'Packages' or NDB 'Packages.db', rpm < 4.16) and is not read");
        var installed = new Dictionary<(string Name, string Arch), RpmEvr>();
        // SQLite opens the file itself (blocking): make sure first that it is a regular file, not a FIFO swapped in.
        using (root.OpenRead(database)) { }
        foreach (var p in RpmDatabase.ReadInstalled(root.ResolveInRoot(database), database))
            if (!installed.TryGetValue((p.Name, p.Arch), out var have) || p.Evr.CompareTo(have) > 0) installed[(p.Name, p.Arch)] = p.Evr;

        var files = UpdateInfoPatterns.SelectMany(p => HostGlob.Expand(root, p)).ToList();
        if (files.Count == 0)
            return NotDeterminable(installed.Count, "dnf has cached no updateinfo.xml (run 'dnf makecache' with repositories that publish advisories)");
        var unreadable = files.Where(f => Path.GetExtension(f) is not (".gz" or ".xml")).ToList();
        if (unreadable.Count > 0)
            return NotDeterminable(installed.Count, $"{unreadable[0]}: {Path.GetExtension(unreadable[0])} compression is not read (only plain and gzip updateinfo)");

        var newest = new Dictionary<(string, string), AdvisoryPackage>();
        foreach (var file in files)
        {
            using var stream = UpdateInfoReader.Open(root.ResolveInRoot(file), file);
            foreach (var p in UpdateInfoReader.ReadSecurity(stream, file))
                if (installed.ContainsKey((p.Name, p.Arch)) && (!newest.TryGetValue((p.Name, p.Arch), out var have) || p.Evr.CompareTo(have.Evr) > 0))
                    newest[(p.Name, p.Arch)] = p;
        }
        var pending = newest.Values
            .Where(p => p.Evr.CompareTo(installed[(p.Name, p.Arch)]) > 0)
            .Select(p => new PendingUpdate($"{p.Name}.{p.Arch}", installed[(p.Name, p.Arch)].ToString(), p.Evr.ToString(), p.Advisory))
            .OrderBy(p => p.Package, StringComparer.Ordinal).ToList();
        return new PatchEvidence
        {
            PackageManager = "rpm",
            Determinable = true,
            SecurityLists = files,
            ListsAgeDays = files.Min(f => (int)Math.Max(0, (now - new DateTimeOffset(File.GetLastWriteTimeUtc(root.Resolve(f)), TimeSpan.Zero)).TotalDays)),
            InstalledPackages = installed.Count,
            PendingCount = pending.Count,
            Pending = pending.Take(MaxReported).ToList(),
        };
    }

    private static PatchEvidence NotDeterminable(int installed, string reason) =>
        new() { PackageManager = "rpm", Determinable = false, InstalledPackages = installed, Reason = reason };
}
