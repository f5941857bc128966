using WeightGuard.Collectors;

namespace WeightGuard.Fuzz;

/// <summary>A throw-away host tree holding one file, rewritten with each input, for parsers that read through a <see cref="HostRoot"/>.</summary>
internal sealed class HostTreeInput
{
    private readonly string _local;

    public HostTreeInput(string hostPath)
    {
        var directory = Directory.CreateTempSubdirectory("weightguard-fuzz-").FullName;
        Root = new HostRoot(directory);
        _local = Root.Resolve(hostPath);
        Directory.CreateDirectory(Path.GetDirectoryName(_local)!);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(directory, recursive: true);
    }

    /// <summary>The tree.</summary>
    public HostRoot Root { get; }

    /// <summary>Makes <paramref name="input"/> the file's content.</summary>
    public void Write(byte[] input) => File.WriteAllBytes(_local, input);
}
