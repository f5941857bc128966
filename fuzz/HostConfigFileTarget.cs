using WeightGuard.Collectors;
using WeightGuard.Collectors.Platform;

namespace WeightGuard.Fuzz;

/// <summary>
/// A configuration parser reading through a <see cref="HostRoot"/>: each input becomes the file at the parser's host
/// path in a throw-away tree. <see cref="InvalidDataException"/> is how these parsers refuse a file their tool would refuse.
/// </summary>
internal abstract class HostConfigFileTarget : IFuzzTarget
{
    private readonly HostRoot _root;
    private readonly string _local;

    protected HostConfigFileTarget(string hostPath)
    {
        var directory = Directory.CreateTempSubdirectory("weightguard-fuzz-").FullName;
        _root = new HostRoot(directory);
        _local = _root.Resolve(hostPath);
        Directory.CreateDirectory(Path.GetDirectoryName(_local)!);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(directory, recursive: true);
    }

    /// <summary>Parses the configuration from the tree.</summary>
    protected abstract void Parse(ConfigFileBudget budget);

    public void Run(byte[] input)
    {
        File.WriteAllBytes(_local, input);
        try { Parse(new ConfigFileBudget(_root)); }
        catch (InvalidDataException) { }
    }
}
