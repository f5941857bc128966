using System.CommandLine;
using WeightGuard.Cli.Commands;

var root = new RootCommand("WeightGuard: proves that every server holding AI model weights is protected as its security level demands.")
{
    InspectCommand.Create(),
    TpmCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
