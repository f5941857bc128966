using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Platform.Logging;

/// <summary>Collects audit rules (what augenrules would load) and log forwarders.</summary>
/// <param name="root">The host root.</param>
/// <param name="processes">The process table, or null when it could not be read.</param>
public sealed class LoggingCollector(HostRoot root, ProcessTable? processes)
{
    /// <summary>Collects logging evidence.</summary>
    public LoggingEvidence Collect()
    {
        var errors = new List<PathError>();
        // augenrules (run by auditd.service on every distribution that ships it) builds audit.rules from rules.d, so
        // rules.d is what gets loaded wherever it has files; audit.rules alone is read only where rules.d is empty.
        var files = HostGlob.Expand(root, "/etc/audit/rules.d/*.rules");
        if (files.Count == 0 && File.Exists(root.Resolve("/etc/audit/audit.rules"))) files = ["/etc/audit/audit.rules"];
        var parser = new AuditRulesParser(path => Directory.Exists(root.Resolve(path)));
        var budget = new ConfigFileBudget(root);
        var read = new List<string>();
        foreach (var file in files)
        {
            try
            {
                if (budget.Read(file, 0, file) is { } text) parser.Add(text, file);
                read.Add(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                errors.Add(new PathError(file, e is UnauthorizedAccessException ? "permission denied" : e.Message));
            }
        }
        var rules = parser.Result();
        return new LoggingEvidence
        {
            AuditdRunning = processes?.AnyNamed("auditd"),
            RuleFiles = read,
            Watches = rules.Watches,
            EnabledFlag = rules.EnabledFlag,
            RuleErrors = rules.Errors,
            Forwarders = new LogForwarderDetector(root, processes, errors).Detect(),
            Errors = errors,
        };
    }
}
