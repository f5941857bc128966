using System.CommandLine;
using System.Globalization;
using WeightGuard.Agent;
using WeightGuard.Agent.Config;
using WeightGuard.Agent.Service;

namespace WeightGuard.Cli.Commands;

/// <summary><c>weightguard agent run|status</c>: the agent service and what it last did.</summary>
internal static class AgentCommand
{
    public static Command Create() => new("agent", "Run the WeightGuard agent service, or show its status")
    {
        Run(),
        Status(),
    };

    private static Command Run()
    {
        var config = new Option<string>("--config") { Description = "The agent configuration (YAML)", DefaultValueFactory = _ => AgentConfig.DefaultPath, HelpName = "FILE" };
        var once = new Option<bool>("--once") { Description = "Scan, deliver (or spool) the report and exit" };
        var root = CommonOptions.Root();
        var command = new Command("run", "Scan on a schedule at low priority and deliver attested reports to the aggregator, spooling them while it is away. " +
                                         "With --once, exit 0: the report passed and was delivered or spooled; 1: a required control failed or could not be checked; 2: configuration error.")
        {
            config, once, root,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var catalog = CatalogSources.Load(null, null, Console.Error);
            if (catalog is null) return ExitCodes.BadInput;
            return await AgentHost.Run(new AgentRunOptions(parse.GetValue(config)!, catalog, CatalogSources.Version, parse.GetValue(once), parse.GetValue(root)), Console.Error, cancel);
        });
        return command;
    }

    private static Command Status()
    {
        var state = AgentOptions.State();
        var command = new Command("status", "Print the last scan, the last delivery, the spool depth, the oldest spooled report and the log file being written")
        {
            state,
        };
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(state)!;
            AgentStatus status;
            try { status = AgentStatus.Load(Path.Combine(dir, "status.json")); }
            catch (AgentException e)
            {
                Console.Error.WriteLine(e.Message);
                return ExitCodes.BadInput;
            }
            var o = Console.Out;
            o.WriteLine("last scan:      " + (status.LastScan is { } s
                ? $"{Time(s.FinishedAt)}  {s.ReportId}  {s.Rand}; against {s.Profile}: {s.Pass} pass, {s.Fail} fail, {s.Error} error"
                : "never"));
            o.WriteLine("last delivery:  " + (status.LastDelivery is { } d
                ? $"{Time(d.At)}  {d.ReportId}  attestation {d.Attestation}{(d.Duplicate ? " (already stored)" : "")}" : "never"));
            if (status.LastDeliveryError is { } error) o.WriteLine("delivery error: " + error);
            o.WriteLine($"spool:          {status.SpoolDepth} report(s) waiting" + (status.OldestSpooled is { } oldest ? $", oldest from {Time(oldest)}" : ""));
            if (status.LostReports > 0) o.WriteLine($"lost reports:   {status.LostReports} (last: {status.LastLoss})");
            if (status.NextScan is { } next) o.WriteLine("next scan:      " + Time(next));
            o.WriteLine("log file:       " + (status.LogFile ?? "none written (log.file is not set, or the agent has not run)"));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
