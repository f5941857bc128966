using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;
using WeightGuard.Agent.Config;

namespace WeightGuard.Agent.Service;

/// <summary>
/// The agent's Serilog logger: the console (with <c>&lt;N&gt;</c> syslog-priority prefixes when journald reads it) and
/// an optional rolling compact-JSON file. Callers log ids, counts and messages; never tokens, keys or report bodies.
/// </summary>
public static class AgentLogging
{
    /// <summary>Builds the logger; <paramref name="level"/> can be changed later (configuration reload).</summary>
    public static Logger Create(LogConfig config, LoggingLevelSwitch level)
    {
        level.MinimumLevel = config.Level;
        var logger = new LoggerConfiguration().MinimumLevel.ControlledBy(level).Enrich.FromLogContext();
        if (config.Console)
        {
            if (UnderJournald)
                logger = logger.Enrich.With<SyslogPriority>().WriteTo.Console(
                    outputTemplate: "{SyslogPriority:l}{Message:lj}{NewLine}{Exception}", standardErrorFromLevel: LogEventLevel.Verbose,
                    formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            else
                logger = logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}",
                    standardErrorFromLevel: LogEventLevel.Verbose, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        }
        if (config.File is { } file)
        {
            Files.StatePermissions.CreatePrivateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            logger = logger.WriteTo.File(new CompactJsonFormatter(), file, rollingInterval: RollingInterval.Day, retainedFileCountLimit: 14,
                fileSizeLimitBytes: 64L * 1024 * 1024, rollOnFileSizeLimit: true, hooks: new OwnerOnlyLogFiles());
        }
        return logger.CreateLogger();
    }

    /// <summary>systemd connects standard output to the journal and says so in <c>JOURNAL_STREAM</c>.</summary>
    public static bool UnderJournald => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("JOURNAL_STREAM"));

    /// <summary>Each log file (the first and every one rolled after it) is made 0600 as it opens, whatever the umask.</summary>
    private sealed class OwnerOnlyLogFiles : Serilog.Sinks.File.FileLifecycleHooks
    {
        public override Stream OnFileOpened(string path, Stream underlyingStream, System.Text.Encoding encoding)
        {
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, Files.StatePermissions.File);
            return underlyingStream;
        }
    }

    /// <summary>Adds <c>SyslogPriority</c>: the <c>&lt;N&gt;</c> prefix journald reads as the line's priority (sd-daemon(3)).</summary>
    private sealed class SyslogPriority : ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory) =>
            logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty("SyslogPriority", logEvent.Level switch
            {
                LogEventLevel.Fatal => "<2>",
                LogEventLevel.Error => "<3>",
                LogEventLevel.Warning => "<4>",
                LogEventLevel.Information => "<6>",
                _ => "<7>",
            }));
    }
}
