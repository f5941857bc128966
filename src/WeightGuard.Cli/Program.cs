using System.CommandLine;
using WeightGuard.Cli;
using WeightGuard.Cli.Commands;

var verbose = new Option<bool>("--verbose") { Description = "On an internal error, print the stack trace too", Recursive = true };

var root = new RootCommand("WeightGuard: proves that every server holding AI model weights is protected as its security level demands.")
{
    ScanCommand.Create(),
    InspectCommand.Create(),
    ControlsCommand.Create(),
    ProfilesCommand.Create(),
    TpmCommand.Create(),
    EvidenceCommand.Create(),
    ManifestCommand.Create(),
    EnrollCommand.Create(),
    AgentCommand.Create(),
    verbose,
};
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0 && !args.Any(a => a is "-h" or "--help" or "-?"))
{
    // Usage errors exit 2, as every WeightGuard command does for bad input.
    foreach (var error in parsed.Errors) Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine("Run 'weightguard --help' for usage.");
    return 2;
}
// Exceptions reach the guard, not System.CommandLine's handler (which prints a stack trace and exits 1).
return await TopLevelGuard.RunAsync(() => parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }),
    parsed.GetValue(verbose), Console.Error);
