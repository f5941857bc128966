using WeightGuard.Agent.Scanning;
using WeightGuard.Collectors;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Reports;
using WeightGuard.Testing;
using WeightGuard.Tpm.Transport;

namespace WeightGuard.Agent.Tests;

/// <summary>Real reports: the repository's catalogue judging a scan of an empty directory tree.</summary>
internal static class TestReports
{
    private static readonly Lazy<Catalog> Catalog = new(() =>
        CatalogLoader.LoadDirectory(RepoPaths.Root).Catalog ?? throw new InvalidOperationException("the repository catalogue does not load"));

    public static Catalog RepositoryCatalog => Catalog.Value;

    /// <summary>Scans an empty tree whose /etc/hostname is <paramref name="hostname"/>.</summary>
    public static Report Scan(string hostname = "gpu-test-01")
    {
        var tree = Directory.CreateTempSubdirectory("weightguard-agent-tree-").FullName;
        Directory.CreateDirectory(Path.Combine(tree, "etc"));
        File.WriteAllText(Path.Combine(tree, "etc", "hostname"), hostname + "\n");
        try { return HostScanner.Scan(new ScanRequest(Catalog.Value, "rand-sl3", new HostRoot(tree), ["/models"], new TpmSelector(TpmSelectorKind.None), "0.0.0-test")); }
        finally { Directory.Delete(tree, recursive: true); }
    }

    public static (Report Report, byte[] Json) ScanJson(string hostname = "gpu-test-01")
    {
        var report = Scan(hostname);
        return (report, HostScanner.ToJson(report));
    }
}
