using System.Text.RegularExpressions;
using WeightGuard.Core.Evidence;
using WeightGuard.Core.Inputs;

namespace WeightGuard.Collectors.Platform.Logging;

/// <summary>
/// Finds log forwarders whose configuration sends logs to another host: rsyslog (<c>@host</c>, <c>@@host</c>,
/// <c>omfwd</c>/<c>omrelp</c> actions), syslog-ng (network/tcp/udp/syslog destinations), systemd-journal-upload
/// (<c>URL=</c>), audisp-remote (plugin active and <c>remote_server</c> set), fluent-bit, vector and filebeat
/// (a network output), and agents whose only job is shipping logs (running is enough for those).
/// </summary>
public sealed partial class LogForwarderDetector(HostRoot root, ProcessTable? processes, List<PathError> errors)
{

    /// <summary>Agents whose configuration lives elsewhere and whose only job is to ship logs off the host.</summary>
    private static readonly string[] ShippingAgents = ["splunkd", "elastic-agent", "otelcol", "otelcol-contrib", "fluentd", "wazuh-agentd", "ossec-agentd", "nxlog"];

    /// <summary>Every forwarder found configured or running.</summary>
    public IReadOnlyList<LogForwarder> Detect()
    {
        var found = new List<LogForwarder>
        {
            Forwarder("rsyslog", ["rsyslogd"], Scan(["/etc/rsyslog.conf", "/etc/rsyslog.d/*.conf"], RsyslogRemote)),
            Forwarder("syslog-ng", ["syslog-ng"], Scan(["/etc/syslog-ng/syslog-ng.conf", "/etc/syslog-ng/conf.d/*.conf"], SyslogNgRemote)),
            Forwarder("systemd-journal-upload", ["systemd-journal-upload"], Scan(["/etc/systemd/journal-upload.conf", "/etc/systemd/journal-upload.conf.d/*.conf"], JournalUploadUrl)),
            Forwarder("audisp-remote", ["audisp-remote"], AudispRemote()),
            Forwarder("fluent-bit", ["fluent-bit", "td-agent-bit"], Scan(["/etc/fluent-bit/*.conf", "/etc/fluent-bit/*.yaml", "/etc/td-agent-bit/*.conf"], FluentBitOutput)),
            Forwarder("vector", ["vector"], Scan(["/etc/vector/*.toml", "/etc/vector/*.yaml", "/etc/vector/*.yml"], VectorSink)),
            Forwarder("filebeat", ["filebeat"], Scan(["/etc/filebeat/filebeat.yml"], FilebeatOutput)),
        };
        foreach (var agent in ShippingAgents)
            if (processes?.AnyNamed(agent) == true) found.Add(new LogForwarder(agent, true, true, "running log-shipping agent"));
        return found.Where(f => f.Configured || f.Running == true).ToList();
    }

    private LogForwarder Forwarder(string name, string[] programs, string? detail) =>
        new(name, detail is not null, processes?.AnyNamed(programs), detail);

    /// <summary>The first line in the files matched by the patterns that <paramref name="remote"/> recognises, as <c>file:line target</c>.</summary>
    private string? Scan(string[] patterns, Func<string, string?> remote)
    {
        foreach (var pattern in patterns)
        {
            IReadOnlyList<string> files;
            try { files = HostGlob.Expand(root, pattern); }
            catch (InvalidDataException e) { errors.Add(new PathError(pattern, e.Message)); continue; }
            foreach (var file in files)
            {
                string? text;
                try { text = root.ReadText(file, InputKind.ConfigFile); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    errors.Add(new PathError(file, e is UnauthorizedAccessException ? "permission denied" : e.Message));
                    continue;
                }
                if (text is null) continue;
                var lines = text.Split('\n');
                for (var i = 0; i < lines.Length; i++)
                {
                    var line = lines[i].Trim();
                    if (line.Length == 0 || line[0] is '#' or ';') continue;
                    if (remote(line) is { } target) return $"{file}:{i + 1} {target}";
                }
            }
        }
        return null;
    }

    /// <summary>rsyslog: a selector action <c>@host</c> (UDP) or <c>@@host</c> (TCP), or an <c>omfwd</c>/<c>omrelp</c> action.</summary>
    public static string? RsyslogRemote(string line)
    {
        var legacy = RsyslogLegacy().Match(line);
        if (legacy.Success) return legacy.Groups[1].Value;
        var action = RsyslogAction().Match(line);
        return action.Success ? action.Groups[1].Value : null;
    }

    /// <summary>syslog-ng: a destination with a network driver.</summary>
    public static string? SyslogNgRemote(string line)
    {
        var m = SyslogNgDestination().Match(line);
        return m.Success ? m.Groups[1].Value : null;
    }

    private static string? JournalUploadUrl(string line) =>
        line.StartsWith("URL=", StringComparison.Ordinal) && line.Length > 4 ? line[4..].Trim() : null;

    /// <summary>fluent-bit: an output plugin that is not local (<c>Name</c>/<c>name</c> under an OUTPUT section, or a YAML output).</summary>
    private static string? FluentBitOutput(string line)
    {
        var m = FluentBitName().Match(line);
        return m.Success && m.Groups[1].Value is var plugin && !LocalSinks.Contains(plugin.ToLowerInvariant()) && !FluentBitInputs.Contains(plugin.ToLowerInvariant()) ? "output " + plugin : null;
    }

    /// <summary>vector: a sink whose type is not local.</summary>
    private static string? VectorSink(string line)
    {
        var m = VectorType().Match(line);
        return m.Success && !LocalSinks.Contains(m.Groups[1].Value) && NetworkVectorSinks.Contains(m.Groups[1].Value) ? "sink " + m.Groups[1].Value : null;
    }

    private static string? FilebeatOutput(string line)
    {
        var m = FilebeatOutputLine().Match(line);
        return m.Success && m.Groups[1].Value is not ("console" or "file" or "discard") ? "output." + m.Groups[1].Value : null;
    }

    private string? AudispRemote()
    {
        string? Active(string path)
        {
            try { return root.ReadText(path, InputKind.ConfigFile); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                errors.Add(new PathError(path, e is UnauthorizedAccessException ? "permission denied" : e.Message));
                return null;
            }
        }
        var plugin = Active("/etc/audit/plugins.d/au-remote.conf") ?? Active("/etc/audisp/plugins.d/au-remote.conf");
        if (plugin is null || !AudispActive().IsMatch(plugin)) return null;
        var conf = Active("/etc/audit/audisp-remote.conf") ?? Active("/etc/audisp/audisp-remote.conf");
        var server = conf is null ? null : AudispServer().Match(conf);
        return server is { Success: true } ? "/etc/audit/audisp-remote.conf remote_server " + server.Groups[1].Value : null;
    }

    private static readonly HashSet<string> LocalSinks = new(StringComparer.Ordinal) { "stdout", "file", "null", "console", "blackhole", "counter", "flowcounter" };
    private static readonly HashSet<string> FluentBitInputs = new(StringComparer.Ordinal) { "tail", "systemd", "cpu", "mem", "disk", "kmsg", "dummy", "forward", "syslog", "tcp", "http", "exec" };
    private static readonly HashSet<string> NetworkVectorSinks = new(StringComparer.Ordinal)
    {
        "socket", "http", "vector", "elasticsearch", "loki", "splunk_hec_logs", "datadog_logs", "kafka", "aws_s3", "aws_cloudwatch_logs",
        "gcp_stackdriver_logs", "azure_monitor_logs", "papertrail", "syslog", "nats", "humio_logs", "new_relic", "clickhouse", "opentelemetry",
    };

    [GeneratedRegex(@"^[^\s@]+\s+@@?(?:\([^)]*\))?([A-Za-z0-9_.:\[\]-]+)")]
    private static partial Regex RsyslogLegacy();
    [GeneratedRegex(@"action\s*\(.*type\s*=\s*""om(?:fwd|relp)"".*target\s*=\s*""([^""]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex RsyslogAction();
    [GeneratedRegex(@"^\s*destination\s+\S+\s*\{\s*(?:network|tcp6?|udp6?|syslog)\s*\(\s*""?([^""\s)]+)")]
    private static partial Regex SyslogNgDestination();
    [GeneratedRegex(@"^-?\s*[Nn]ame\s*:?\s+([A-Za-z0-9_-]+)\s*$")]
    private static partial Regex FluentBitName();
    [GeneratedRegex(@"^type\s*[:=]\s*""?([a-z0-9_]+)""?\s*$")]
    private static partial Regex VectorType();
    [GeneratedRegex(@"^output\.([a-z]+)\s*:")]
    private static partial Regex FilebeatOutputLine();
    [GeneratedRegex(@"^\s*active\s*=\s*yes\s*$", RegexOptions.Multiline)]
    private static partial Regex AudispActive();
    [GeneratedRegex(@"^\s*remote_server\s*=\s*(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex AudispServer();
}
