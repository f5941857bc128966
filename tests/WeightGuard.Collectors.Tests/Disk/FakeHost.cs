using System.Text;

namespace WeightGuard.Collectors.Tests.Disk;

/// <summary>
/// Builds a host tree the way the kernel lays it out: real directories under <c>/sys/devices/…</c>, and
/// <c>/sys/class/block/NAME</c>, <c>/sys/dev/block/MAJ:MIN</c>, <c>slaves/NAME</c> and <c>/dev/mapper/NAME</c> as
/// relative symbolic links, plus <c>/proc/self/mountinfo</c>, <c>/proc/swaps</c> and <c>/etc/crypttab</c>.
/// </summary>
public sealed class FakeHost
{
    private readonly List<string> _mounts = [];
    private readonly List<string> _swaps = [];
    private int _mountId = 20;

    public FakeHost(string root)
    {
        Root = root;
        Directory.CreateDirectory(Local("/sys/class/block"));
        Directory.CreateDirectory(Local("/sys/dev/block"));
        Directory.CreateDirectory(Local("/dev/mapper"));
    }

    public string Root { get; }

    public HostRoot HostRoot => new(Root);

    public string Local(string hostPath) => Path.Join(Root, hostPath);

    /// <summary>A whole disk under a controller path (e.g. <c>pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0</c>).</summary>
    public FakeHost Disk(string name, string majMin, string controller, string model = "", bool rotational = false)
    {
        var sys = $"/sys/devices/{controller}/block/{name}";
        Block(name, majMin, sys);
        Write($"{sys}/size", "2000409264");
        Write($"{sys}/removable", "0");
        Write($"{sys}/queue/rotational", rotational ? "1" : "0");
        if (model.Length > 0) Write($"{sys}/device/model", model);
        return this;
    }

    public FakeHost Partition(string disk, string name, string majMin, int number)
    {
        var sys = $"{SysDir(disk)}/{name}";
        Block(name, majMin, sys);
        Write($"{sys}/partition", number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Write($"{sys}/start", "2048");
        Write($"{sys}/size", "1048576");
        return this;
    }

    /// <summary>A device-mapper target <c>dm-N</c> with its <c>dm/name</c>, <c>dm/uuid</c> and slaves.</summary>
    public FakeHost Dm(string name, string majMin, string dmName, string dmUuid, params string[] slaves)
    {
        var sys = $"/sys/devices/virtual/block/{name}";
        Block(name, majMin, sys);
        Write($"{sys}/dm/name", dmName);
        Write($"{sys}/dm/uuid", dmUuid);
        Slaves(name, slaves);
        Link($"/dev/mapper/{dmName}", $"../{name}");
        return this;
    }

    public FakeHost Md(string name, string majMin, string level, params string[] slaves)
    {
        var sys = $"/sys/devices/virtual/block/{name}";
        Block(name, majMin, sys);
        Write($"{sys}/md/level", level);
        Slaves(name, slaves);
        return this;
    }

    public FakeHost Loop(string name, string majMin, string backingFile)
    {
        var sys = $"/sys/devices/virtual/block/{name}";
        Block(name, majMin, sys);
        Write($"{sys}/loop/backing_file", backingFile);
        return this;
    }

    /// <summary>Adds <c>slaves/</c> links after the fact (used to build a cycle).</summary>
    public FakeHost Slaves(string name, params string[] slaves)
    {
        var sys = SysDir(name);
        Directory.CreateDirectory(Local($"{sys}/slaves"));
        foreach (var s in slaves) Link($"{sys}/slaves/{s}", Relative($"{sys}/slaves", SysDir(s)));
        return this;
    }

    /// <summary>A mountinfo line; paths are written octal-escaped as the kernel does.</summary>
    public FakeHost Mount(string mountPoint, string majMin, string fsType, string source, string superOptions = "rw", string optional = "shared:1")
    {
        var id = _mountId++;
        var fields = optional.Length == 0 ? "" : optional + " ";
        _mounts.Add($"{id} 1 {majMin} / {Escape(mountPoint)} rw,relatime {fields}- {fsType} {Escape(source)} {superOptions}");
        Write("/proc/self/mountinfo", string.Join('\n', _mounts) + "\n");
        Directory.CreateDirectory(Local(mountPoint));
        return this;
    }

    public FakeHost Swap(string path, string type, long sizeKiB)
    {
        _swaps.Add($"{path.Replace(" ", "\\040", StringComparison.Ordinal)}\t\t\t\t{type}\t\t{sizeKiB}\t\t0\t\t-2");
        Write("/proc/swaps", "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n" + string.Join('\n', _swaps) + "\n");
        return this;
    }

    public FakeHost Crypttab(string text)
    {
        Write("/etc/crypttab", text);
        return this;
    }

    public void Write(string hostPath, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Local(hostPath))!);
        File.WriteAllText(Local(hostPath), text + (text.EndsWith('\n') ? "" : "\n"), new UTF8Encoding(false));
    }

    /// <summary>A relative symbolic link at <paramref name="hostPath"/>, as sysfs and udev make them.</summary>
    public void Link(string hostPath, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Local(hostPath))!);
        File.CreateSymbolicLink(Local(hostPath), target);
    }

    private void Block(string name, string majMin, string sys)
    {
        Directory.CreateDirectory(Local(sys));
        Write($"{sys}/dev", majMin);
        Directory.CreateDirectory(Local($"{sys}/holders"));
        Link($"/sys/class/block/{name}", Relative("/sys/class/block", sys));
        Link($"/sys/dev/block/{majMin}", Relative("/sys/dev/block", sys));
    }

    private string SysDir(string name) => "/" + Path.GetRelativePath(Root, Path.GetFullPath(
        Path.Combine(Local("/sys/class/block"), new FileInfo(Local($"/sys/class/block/{name}")).LinkTarget!))).Replace('\\', '/');

    private static string Relative(string fromDir, string to) => Path.GetRelativePath(fromDir, to).Replace('\\', '/');

    private static string Escape(string path) => path.Replace(" ", "\\040", StringComparison.Ordinal).Replace("\t", "\\011", StringComparison.Ordinal);
}
