using System.CommandLine;
using WeightGuard.Cli.Commands;

var root = new RootCommand("WeightGuard: proves that every server holding AI model weights is protected as its security level demands.")
{
    ScanCommand.Create(),
    InspectCommand.Create(),
    ControlsCommand.Create(),
    ProfilesCommand.Create(),
    TpmCommand.Create(),
    EvidenceCommand.Create(),
    EnrollCommand.Create(),
    AgentCommand.Create(),
};
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0 && !args.Any(a => a is "-h" or "--help" or "-?"))
{
    // Usage errors exit 2, as every WeightGuard command does for bad input.
    foreach (var error in parsed.Errors) Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine("Run 'weightguard --help' for usage.");
    return 2;
}
return await parsed.InvokeAsync();
