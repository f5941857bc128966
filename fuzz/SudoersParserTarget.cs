using WeightGuard.Collectors.Platform;
using WeightGuard.Collectors.Platform.Sudo;

namespace WeightGuard.Fuzz;

/// <summary><see cref="SudoersParser"/> on a host tree's <c>/etc/sudoers</c>.</summary>
[FuzzTarget("sudoers")]
internal sealed class SudoersParserTarget : IFuzzTarget
{
    private readonly HostTreeInput _tree = new("/etc/sudoers");


    public void Run(byte[] input)
    {
        _tree.Write(input);
        try { new SudoersParser(new ConfigFileBudget(_tree.Root)).Parse(); }
        catch (InvalidDataException) { } // how the parser refuses a file visudo would refuse
    }
}
