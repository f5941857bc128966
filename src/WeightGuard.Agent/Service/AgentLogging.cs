using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;
using WeightGuard.Agent.Config;

namespace WeightGuard.Agent.Service;

/// <summary>
/// The agent's Serilog logger: the console (with <c>&lt;N&gt;</c> syslog-priority prefixes when journald reads it) and
/// an optional compact-JSON file. Callers log ids, counts and messages; never tokens, keys or report bodies.
/// </summary>
/// <remarks>
/// The file keeps the name <c>log.file</c> gives it: it rolls by size, not by day (daily rolling would write
/// <c>agent20261203.json</c> and a person following the configuration would find nothing). When it reaches
/// <see cref="FileSizeLimitBytes"/> the agent continues in <c>agent_001.json</c>, <c>agent_002.json</c>… beside it, keeping the
/// newest <see cref="RetainedFiles"/>; <see cref="CurrentLogFile"/> says which one is being written.
/// </remarks>
public static class AgentLogging
{
    /// <summary>Size at which the log continues in the next numbered file.</summary>
    public const long FileSizeLimitBytes = 64L * 1024 * 1024;

    /// <summary>Log files kept, the one being written included.</summary>
    public const int RetainedFiles = 14;

    /// <summary>Builds the logger; <paramref name="level"/> can be changed later (configuration reload).</summary>
    /// <param name="config">The <c>log:</c> settings.</param>
    /// <param name="level">The level switch.</param>
    /// <param name="current">Told the path of each log file as it opens, for the agent's status.</param>
    public static Logger Create(LogConfig config, LoggingLevelSwitch level, CurrentLogFile? current = null)
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
            logger = logger.WriteTo.File(new CompactJsonFormatter(), file, rollingInterval: RollingInterval.Infinite, retainedFileCountLimit: RetainedFiles,
                fileSizeLimitBytes: FileSizeLimitBytes, rollOnFileSizeLimit: true, hooks: new OwnerOnlyLogFiles(current));
        }
        return logger.CreateLogger();
    }

    /// <summary>systemd connects standard output to the journal and says so in <c>JOURNAL_STREAM</c>.</summary>
    public static bool UnderJournald => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("JOURNAL_STREAM"));

    /// <summary>
    /// Each log file (the first and every one rolled after it) is made 0600 as it opens, whatever the umask, and its path
    /// is told to <paramref name="current"/>.
    /// </summary>
    private sealed class OwnerOnlyLogFiles(CurrentLogFile? current) : Serilog.Sinks.File.FileLifecycleHooks
    {
        public override Stream OnFileOpened(string path, Stream underlyingStream, System.Text.Encoding encoding)
        {
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, Files.StatePermissions.File);
            current?.Opened(path);
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

/// <summary>The log file the agent is writing now: the configured name, or a numbered one after it rolled by size.</summary>
public sealed class CurrentLogFile
{
    private volatile string? _path;

    /// <summary>Its full path; null until the first line is written (or when no file is configured).</summary>
    public string? Path => _path;

    internal void Opened(string path) => _path = System.IO.Path.GetFullPath(path);
}
