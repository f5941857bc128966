using System.CommandLine;

namespace WeightGuard.Cli.Commands;

/// <summary><c>weightguard inspect …</c>: look at one artefact (a path, a LUKS header, an event log) in detail.</summary>
internal static class InspectCommand
{
    public static Command Create() => new("inspect", "Inspect one artefact in detail and print it as JSON")
    {
        InspectPathCommand.Create(),
        InspectEventLogCommand.Create(),
        InspectLuksCommand.Create(),
        InspectGpuReportCommand.Create(),
    };
}
