namespace WeightGuard.Agent.Spool;

/// <summary>How much the spool may hold before it compacts (agent config <c>spool:</c>).</summary>
/// <param name="MaxReports">Most reports kept.</param>
/// <param name="MaxBytes">Most bytes kept.</param>
public sealed record SpoolLimits(int MaxReports, long MaxBytes)
{
    /// <summary>The defaults: 1000 reports, 256 MiB.</summary>
    public static SpoolLimits Default { get; } = new(1000, 256L * 1024 * 1024);
}

/// <summary>A report waiting in the spool.</summary>
/// <param name="Path">Its file.</param>
/// <param name="ReportId">The report's id.</param>
/// <param name="FinishedAt">When its scan finished (the spool's order).</param>
/// <param name="Size">Its size in bytes.</param>
public sealed record SpooledReport(string Path, Guid ReportId, DateTimeOffset FinishedAt, long Size);

/// <summary>A report the spool gave up: never silent, always logged and counted in the agent status.</summary>
/// <param name="ReportId">The report's id, when known.</param>
/// <param name="FinishedAt">When its scan finished, when known.</param>
/// <param name="Reason">Why it was dropped.</param>
public sealed record SpoolLoss(Guid? ReportId, DateTimeOffset? FinishedAt, string Reason);

/// <summary>A spool file that is not a report the agent wrote; it has been moved aside.</summary>
/// <param name="message">Which file and what is wrong.</param>
public sealed class SpoolCorruptException(string message) : AgentException(message);
