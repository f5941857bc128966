using System.Text.Json;
using WeightGuard.Agent.Enrollment;
using WeightGuard.Agent.Files;

namespace WeightGuard.Agent.Service;

/// <summary>What the agent last did, for <c>weightguard agent status</c> and monitoring (<c>STATE/status.json</c>).</summary>
public sealed record AgentStatus
{
    /// <summary>The last scan.</summary>
    public ScanStatus? LastScan { get; init; }
    /// <summary>The last report the aggregator accepted.</summary>
    public DeliveryStatus? LastDelivery { get; init; }
    /// <summary>Reports waiting in the spool.</summary>
    public int SpoolDepth { get; init; }
    /// <summary>When the oldest waiting report's scan finished.</summary>
    public DateTimeOffset? OldestSpooled { get; init; }
    /// <summary>Reports given up since the state directory was created (compacted, unreadable or refused).</summary>
    public long LostReports { get; init; }
    /// <summary>The most recent loss, when any.</summary>
    public string? LastLoss { get; init; }
    /// <summary>Why the last delivery attempt failed, when it did.</summary>
    public string? LastDeliveryError { get; init; }
    /// <summary>When the next scan is due (service mode).</summary>
    public DateTimeOffset? NextScan { get; init; }
    /// <summary>The log file the agent was writing when it saved this status; null when it writes none.</summary>
    public string? LogFile { get; init; }

    /// <summary>Reads a status file; an absent file is an empty status.</summary>
    /// <exception cref="AgentException">The file is unreadable or not a status.</exception>
    public static AgentStatus Load(string path)
    {
        try { return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), AgentJsonContext.Default.AgentStatus) ?? new() : new(); }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException) { throw new AgentException($"{path}: cannot read the agent status: {e.Message}", e); }
    }

    /// <summary>Writes the status atomically.</summary>
    public void Save(string path) => AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(this, AgentJsonContext.Default.AgentStatus));
}

/// <summary>A scan's outcome.</summary>
/// <param name="FinishedAt">When it finished.</param>
/// <param name="ReportId">Its report.</param>
/// <param name="Profile">The profile judged against.</param>
/// <param name="Rand">Where the host stands on the RAND ladder, as people read it (<see cref="Core.Reports.RandStanding"/>).</param>
/// <param name="Pass">Controls passed.</param>
/// <param name="Fail">Controls failed.</param>
/// <param name="Error">Controls that could not be checked.</param>
public sealed record ScanStatus(DateTimeOffset FinishedAt, Guid ReportId, string Profile, string Rand, int Pass, int Fail, int Error);

/// <summary>A delivery's outcome.</summary>
/// <param name="At">When the aggregator accepted it.</param>
/// <param name="ReportId">The report.</param>
/// <param name="Duplicate">The aggregator already had it.</param>
/// <param name="Attestation">The aggregator's verdict on the quote.</param>
public sealed record DeliveryStatus(DateTimeOffset At, Guid ReportId, bool Duplicate, string Attestation);
