using WeightGuard.Core.Evidence;
using WeightGuard.Core.Inputs;

namespace WeightGuard.Collectors.Platform.Patches;

/// <summary>
/// Finds pending security updates without running the package manager. On dpkg systems: every installed package
/// (<c>/var/lib/dpkg/status</c>) is compared with the package lists apt downloaded from suites whose Release file names a
/// <c>-security</c> suite (or the Debian-Security label); a newer version there is a pending security update. This is as
/// fresh as the last <c>apt-get update</c>, which <see cref="PatchEvidence.ListsAgeDays"/> reports, and ignores apt pinning.
/// RPM systems are read by <see cref="RpmPatchCollector"/>.
/// </summary>
/// <param name="root">The host root.</param>
/// <param name="now">The time of collection, for the age of the lists.</param>
public sealed class PatchCollector(HostRoot root, DateTimeOffset now)
{
    private const string Lists = "/var/lib/apt/lists";
    private const int MaxReported = 200;
    private const int MaxListFiles = 4096;

    /// <summary>Collects patch evidence.</summary>
    /// <exception cref="InvalidDataException">The dpkg status file or the RPM database is malformed or over the limits.</exception>
    public PatchEvidence Collect()
    {
        var status = root.Resolve("/var/lib/dpkg/status");
        if (!File.Exists(status))
        {
            return RpmPatchCollector.DatabaseDirectories.Any(d => Directory.Exists(root.Resolve(d)))
                ? new RpmPatchCollector(root, now).Collect()
                : new PatchEvidence { PackageManager = "none", Determinable = false, Reason = "no package manager metadata found (/var/lib/dpkg/status, /var/lib/rpm)" };
        }
        var installed = new Dictionary<(string, string), string>();
        using (var stream = DebianControlReader.Open(root.ResolveInRoot("/var/lib/dpkg/status")))
            foreach (var s in DebianControlReader.Read(stream, "/var/lib/dpkg/status"))
                if (s.Status.EndsWith(" installed", StringComparison.Ordinal)) installed[(s.Package, s.Architecture)] = s.Version;

        var releases = SecurityReleases();
        if (releases.Count == 0)
            return new PatchEvidence
            {
                PackageManager = "dpkg", Determinable = false, InstalledPackages = installed.Count,
                Reason = $"no package list from a security suite in {Lists} (add the -security suite to the apt sources and run apt-get update)",
            };

        var newest = new Dictionary<(string, string), (string Version, string Suite)>();
        var lists = new List<string>();
        foreach (var (prefix, suite, _) in releases)
        {
            foreach (var list in Directory.EnumerateFiles(root.Resolve(Lists)).Select(Path.GetFileName).OfType<string>()
                         .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n[prefix.Length..].Contains("_Packages", StringComparison.Ordinal))
                         .Order(StringComparer.Ordinal).Take(MaxListFiles))
            {
                var hostPath = $"{Lists}/{list}";
                using var stream = DebianControlReader.Open(root.ResolveInRoot(hostPath));
                foreach (var p in DebianControlReader.Read(stream, hostPath))
                {
                    // an entry updates the installed package of the same name and architecture ("all" matches "all")
                    var key = (p.Package, p.Architecture);
                    if (installed.ContainsKey(key) && (!newest.TryGetValue(key, out var have) || DebianVersion.Comparer.Compare(p.Version, have.Version) > 0))
                        newest[key] = (p.Version, suite);
                }
                lists.Add(hostPath);
            }
        }
        var pending = newest
            .Where(n => DebianVersion.Comparer.Compare(n.Value.Version, installed[n.Key]) > 0)
            .Select(n => new PendingUpdate(n.Key.Item1, installed[n.Key], n.Value.Version, n.Value.Suite))
            .OrderBy(p => p.Package, StringComparer.Ordinal).ToList();
        return new PatchEvidence
        {
            PackageManager = "dpkg",
            Determinable = true,
            SecurityLists = lists,
            ListsAgeDays = releases.Min(r => (int)Math.Max(0, (now - r.Modified).TotalDays)),
            InstalledPackages = installed.Count,
            PendingCount = pending.Count,
            Pending = pending.Take(MaxReported).ToList(),
        };
    }

    /// <summary>Release files of security suites: list-file prefix, suite name, modification time.</summary>
    private List<(string Prefix, string Suite, DateTimeOffset Modified)> SecurityReleases()
    {
        var dir = root.Resolve(Lists);
        if (!Directory.Exists(dir)) return [];
        var found = new List<(string, string, DateTimeOffset)>();
        foreach (var file in Directory.EnumerateFiles(dir).Take(MaxListFiles))
        {
            var name = Path.GetFileName(file);
            var prefix = name.EndsWith("_InRelease", StringComparison.Ordinal) ? name[..^"InRelease".Length]
                : name.EndsWith("_Release", StringComparison.Ordinal) ? name[..^"Release".Length] : null;
            if (prefix is null) continue;
            var text = root.ReadText($"{Lists}/{name}", InputKind.PackageIndex) ?? "";
            string? Field(string field) => text.Split('\n').TakeWhile(l => !l.StartsWith("SHA256:", StringComparison.Ordinal) && !l.StartsWith("MD5Sum:", StringComparison.Ordinal))
                .FirstOrDefault(l => l.StartsWith(field + ": ", StringComparison.Ordinal))?[(field.Length + 2)..].Trim();
            var suite = Field("Suite") ?? Field("Codename") ?? "";
            if (suite.EndsWith("-security", StringComparison.Ordinal) || Field("Label") == "Debian-Security")
                found.Add((prefix, suite, new DateTimeOffset(File.GetLastWriteTimeUtc(file), TimeSpan.Zero)));
        }
        return found;
    }
}
