using WeightGuard.Collectors.Platform;
using WeightGuard.Collectors.Platform.Ssh;

namespace WeightGuard.Fuzz;

/// <summary><see cref="SshdConfigParser"/> on a host tree's <c>/etc/ssh/sshd_config</c>.</summary>
[FuzzTarget("sshd-config")]
internal sealed class SshdConfigParserTarget : IFuzzTarget
{
    private readonly HostTreeInput _tree = new("/etc/ssh/sshd_config");


    public void Run(byte[] input)
    {
        _tree.Write(input);
        try { new SshdConfigParser(new ConfigFileBudget(_tree.Root)).Parse(); }
        catch (InvalidDataException) { } // how the parser refuses a file sshd would refuse
    }
}
