using System.CommandLine;
using WeightGuard.Aggregator.Cli;

var root = new RootCommand("weightguard-aggregator: enrols WeightGuard agents, verifies their attested reports, re-judges and stores them, and serves the fleet.")
{
    InitCommand.Create(),
    ServeCommand.Create(),
    TokensCommand.CreateEnrollment(),
    TokensCommand.CreateApi(),
    WeightGuard.Aggregator.Export.ExportCommand.Create(),
    PolicyCommand.Create(),
};
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0 && !args.Any(a => a is "-h" or "--help" or "-?"))
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine("Run 'weightguard-aggregator --help' for usage.");
    return StoreOptions.BadInput;
}
return await parsed.InvokeAsync();
