namespace WeightGuard.Core.Evidence;

/// <summary>Linux audit rules and log forwarding: whether reads of weights leave a trace that survives the host.</summary>
public sealed record LoggingEvidence
{
    /// <summary>auditd is running (null when processes could not be listed).</summary>
    public bool? AuditdRunning { get; init; }
    /// <summary>Rule files read: <c>/etc/audit/audit.rules</c>, else <c>/etc/audit/rules.d/*.rules</c> in order.</summary>
    public IReadOnlyList<string> RuleFiles { get; init; } = [];
    /// <summary>File-system watches (<c>-w</c>, and <c>-F path=</c> / <c>-F dir=</c> exit rules).</summary>
    public IReadOnlyList<AuditWatch> Watches { get; init; } = [];
    /// <summary>The last <c>-e</c> value: 0 disabled, 1 enabled, 2 enabled and locked until reboot; null when not set.</summary>
    public int? EnabledFlag { get; init; }
    /// <summary>Rules that could not be parsed (auditctl would reject them).</summary>
    public IReadOnlyList<string> RuleErrors { get; init; } = [];
    /// <summary>Log forwarders found configured or running.</summary>
    public IReadOnlyList<LogForwarder> Forwarders { get; init; } = [];
    /// <summary>Paths that could not be read.</summary>
    public IReadOnlyList<PathError> Errors { get; init; } = [];
}

/// <summary>An audit watch on a path.</summary>
/// <param name="Path">The watched path.</param>
/// <param name="Subtree">It covers everything below the path (a watched directory, or <c>-F dir=</c>).</param>
/// <param name="Permissions">Access types audited, from <c>rwxa</c>.</param>
/// <param name="Key">The <c>-k</c> / <c>key=</c> filter key, or null.</param>
/// <param name="Source"><c>file:line</c>.</param>
public sealed record AuditWatch(string Path, bool Subtree, string Permissions, string? Key, string Source);

/// <summary>A log forwarder.</summary>
/// <param name="Name">e.g. <c>rsyslog</c>, <c>systemd-journal-upload</c>, <c>audisp-remote</c>, <c>fluent-bit</c>, <c>vector</c>.</param>
/// <param name="Configured">Its configuration sends logs to another host.</param>
/// <param name="Running">Its process is running (null when processes could not be listed).</param>
/// <param name="Detail">Where the destination is configured (<c>file:line</c> and target).</param>
public sealed record LogForwarder(string Name, bool Configured, bool? Running, string? Detail);
