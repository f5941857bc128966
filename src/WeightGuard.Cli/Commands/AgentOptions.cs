using System.CommandLine;
using WeightGuard.Agent.Config;

namespace WeightGuard.Cli.Commands;

/// <summary>Options the agent commands share.</summary>
internal static class AgentOptions
{
    public static Option<string> State() => new("--state")
    {
        Description = "The agent's state directory (identity/, spool/, status.json)",
        DefaultValueFactory = _ => AgentConfig.DefaultState,
        HelpName = "DIR",
    };
}
