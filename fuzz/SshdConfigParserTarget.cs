using WeightGuard.Collectors.Platform;
using WeightGuard.Collectors.Platform.Ssh;

namespace WeightGuard.Fuzz;

/// <summary><see cref="SshdConfigParser"/> on a host tree's <c>/etc/ssh/sshd_config</c>.</summary>
[FuzzTarget("sshd-config")]
internal sealed class SshdConfigParserTarget() : HostConfigFileTarget("/etc/ssh/sshd_config")
{
    protected override void Parse(ConfigFileBudget budget) => new SshdConfigParser(budget).Parse();
}
