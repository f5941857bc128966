using WeightGuard.Testing;

namespace WeightGuard.Collectors.Tests.Gpu;

/// <summary>
/// The outputs in tests/fixtures/nvidia-smi/h100 were recorded on a real host with one NVIDIA H100 80GB HBM3, driver
/// 580.159.04, CC off. h100-cc-on-derived holds hand-made conf-compute answers (CC on, production, ready) laid over it.
/// </summary>
internal static class H100Recording
{
    public static string Directory => Path.Combine(RepoPaths.Fixtures, "nvidia-smi", "h100");
    public static string CcOnDerived => Path.Combine(RepoPaths.Fixtures, "nvidia-smi", "h100-cc-on-derived");
    public static string Read(string name) => File.ReadAllText(Path.Combine(Directory, name));

    /// <summary>
    /// Lays the recorded host into a tree: PCI device, /proc/driver/nvidia, /dev nodes with the recorded modes, and the
    /// nvidia-smi outputs where an offline scan replays them.
    /// </summary>
    public static HostTree AddTo(HostTree tree, bool ccOn = false)
    {
        tree.File("/sys/bus/pci/devices/0000:00:06.0/vendor", "0x10de\n")
            .File("/sys/bus/pci/devices/0000:00:06.0/class", "0x030200\n")
            .File("/sys/bus/pci/devices/0000:00:01.0/vendor", "0x8086\n")
            .File("/sys/bus/pci/devices/0000:00:01.0/class", "0x060100\n")
            .File("/proc/driver/nvidia/version", Read("driver-version.txt"))
            .File("/proc/driver/nvidia/params", Read("driver-params.txt"))
            .CopyDir(Directory, WeightGuard.Collectors.Gpu.RecordedNvidiaSmi.TreePath);
        if (ccOn) tree.CopyDir(CcOnDerived, WeightGuard.Collectors.Gpu.RecordedNvidiaSmi.TreePath);
        foreach (var (path, mode) in DeviceNodes()) tree.File(path, "", HostTree.Octal(mode));
        return tree;
    }

    /// <summary>The device nodes and modes from the recorded <c>ls -ln</c> (character devices become plain files in the tree).</summary>
    public static IEnumerable<(string Path, string Mode)> DeviceNodes()
    {
        var dir = "/dev";
        foreach (var line in Read("dev-nodes.txt").Split('\n'))
        {
            if (line.EndsWith(':')) { dir = line[..^1]; continue; }
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 9 || f[0].Length != 10 || f[0][0] != 'c') continue;
            var name = f[^1];
            yield return (name.StartsWith('/') ? name : $"{dir}/{name}", ModeOf(f[0]));
        }
    }

    private static string ModeOf(string perms)
    {
        var bits = 0;
        for (var i = 1; i < 10; i++) if (perms[i] != '-') bits |= 1 << (9 - i);
        return Convert.ToString(bits, 8).PadLeft(4, '0');
    }
}
