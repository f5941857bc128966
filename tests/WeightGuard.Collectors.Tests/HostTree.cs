using WeightGuard.Collectors;

namespace WeightGuard.Collectors.Tests;

/// <summary>A host file-system tree built under a temporary directory for one test, removed afterwards.</summary>
public sealed class HostTree : IDisposable
{
    public HostTree()
    {
        Directory = Path.Combine(Path.GetTempPath(), "wg-tree-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Root = new HostRoot(Directory);
    }

    public string Directory { get; }
    public HostRoot Root { get; }

    /// <summary>Writes a file at a host path, creating directories; optionally with permission bits.</summary>
    public HostTree File(string hostPath, string content, UnixFileMode? mode = null)
    {
        var local = Root.Resolve(hostPath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        System.IO.File.WriteAllText(local, content);
        if (mode is { } m && !OperatingSystem.IsWindows()) System.IO.File.SetUnixFileMode(local, m);
        return this;
    }

    public HostTree Dir(string hostPath)
    {
        System.IO.Directory.CreateDirectory(Root.Resolve(hostPath));
        return this;
    }

    public HostTree Link(string hostPath, string target)
    {
        var local = Root.Resolve(hostPath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(local)!);
        System.IO.File.CreateSymbolicLink(local, target);
        return this;
    }

    /// <summary>Copies a directory of this machine into the tree at a host path.</summary>
    public HostTree CopyDir(string from, string hostPath)
    {
        var to = Root.Resolve(hostPath);
        System.IO.Directory.CreateDirectory(to);
        foreach (var f in System.IO.Directory.GetFiles(from)) System.IO.File.Copy(f, Path.Combine(to, Path.GetFileName(f)), overwrite: true);
        return this;
    }

    public static UnixFileMode Octal(string mode) => (UnixFileMode)Convert.ToInt32(mode, 8);

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}
