using WeightGuard.Collectors.Platform;
using WeightGuard.Collectors.Platform.Sudo;

namespace WeightGuard.Fuzz;

/// <summary><see cref="SudoersParser"/> on a host tree's <c>/etc/sudoers</c>.</summary>
[FuzzTarget("sudoers")]
internal sealed class SudoersParserTarget() : HostConfigFileTarget("/etc/sudoers")
{
    protected override void Parse(ConfigFileBudget budget) => new SudoersParser(budget).Parse();
}
