using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Extensions.Logging;
using WeightGuard.Agent.Config;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Agent.Service;

/// <summary>What <c>weightguard agent run</c> needs.</summary>
/// <param name="ConfigPath">The configuration file.</param>
/// <param name="Catalog">The catalogue scans are judged with.</param>
/// <param name="Version">The WeightGuard version.</param>
/// <param name="Once">Scan, deliver (or spool) and exit instead of running as a service.</param>
/// <param name="Root">The host's <c>/</c> given on the command line (<c>--root</c>); it overrides the configuration's <c>root</c>.</param>
public sealed record AgentRunOptions(string ConfigPath, Catalog Catalog, string Version, bool Once, string? Root = null)
{
    /// <summary>Reads the configuration file with the command line's overrides applied.</summary>
    public AgentConfigResult LoadConfig()
    {
        var loaded = AgentConfigLoader.LoadFile(ConfigPath);
        return Root is not null && loaded.Config is { } config ? loaded with { Config = config with { Root = Root } } : loaded;
    }
}

/// <summary>Runs the agent: once, or as a service on the generic host with systemd and Windows service integration.</summary>
public static class AgentHost
{
    /// <summary>
    /// Runs the agent and returns the exit code: 2 for a configuration error (printed as <c>file:line: message</c>) or,
    /// with <c>--once</c>, a report that could be neither delivered nor spooled; with <c>--once</c>, 0 when the report
    /// passed and was delivered or spooled, 1 when it failed or could not check a control; as a service, 0 after a clean stop.
    /// </summary>
    /// <param name="options">What to run.</param>
    /// <param name="stderr">Where configuration errors go.</param>
    /// <param name="stop">Stops the agent (SIGTERM and Ctrl+C as the command line delivers them).</param>
    public static async Task<int> Run(AgentRunOptions options, TextWriter stderr, CancellationToken stop)
    {
        var loaded = options.LoadConfig();
        if (loaded.Config is not { } config)
        {
            foreach (var error in loaded.Errors) stderr.WriteLine(error);
            return 2;
        }
        if (AgentCycle.Validate(config, options.Catalog) is { } problem)
        {
            stderr.WriteLine($"{options.ConfigPath}: {problem}");
            return 2;
        }
        var level = new LoggingLevelSwitch();
        Logger logger;
        var logFile = new CurrentLogFile();
        try { logger = AgentLogging.Create(config.Log, level, logFile); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"{config.Log.File}: cannot write the log there: {e.Message}");
            return 2;
        }
        await using var flushLogger = logger;
        using var loggers = new SerilogLoggerFactory(logger);
        AgentCycle cycle;
        try { cycle = new AgentCycle(config, options.Catalog, options.Version, loggers.CreateLogger("WeightGuard.Agent"), logFile); }
        catch (Exception e) when (e is AgentException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"{config.State}: {e.Message}");
            return 2;
        }
        if (options.Once)
        {
            Core.Reports.Report report;
            try { report = await cycle.ScanAndSpool(stop).ConfigureAwait(false); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"{config.SpoolDirectory}: the report could not be spooled: {e.Message}");
                return 2;
            }
            await cycle.Deliver(stop).ConfigureAwait(false);
            return report.Summary.Fail + report.Summary.Error > 0 ? 1 : 0;
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "weightguard" });
        builder.Services.Configure<ConsoleLifetimeOptions>(console => console.SuppressStatusMessages = true);
        builder.Services.AddSystemd();
        builder.Services.AddWindowsService(service => service.ServiceName = "WeightGuard");
        builder.Services.AddSerilog(logger);
        builder.Services.AddHostedService(services => new AgentWorker(cycle, options, level,
            services.GetRequiredService<ILogger<AgentWorker>>()));
        if (SystemdHelpers.IsSystemdService()) builder.Services.AddHostedService<WatchdogPinger>();
        using var host = builder.Build();
        await host.RunAsync(stop).ConfigureAwait(false);
        return 0;
    }
}
