using Microsoft.Extensions.Logging;
using WeightGuard.Agent.Net;
using WeightGuard.Core.Protocol;

namespace WeightGuard.Agent.Spool;

/// <summary>What one pass over the spool did.</summary>
/// <param name="Delivered">Reports the aggregator accepted (a duplicate answer counts: it already has the report).</param>
/// <param name="Losses">Reports moved aside: unreadable, or refused for good by the aggregator.</param>
/// <param name="Failure">Why the pass stopped early (the aggregator is away, the TPM failed …); the rest stays spooled.</param>
public sealed record DeliveryPass(IReadOnlyList<SubmissionResult> Delivered, IReadOnlyList<SpoolLoss> Losses, AgentException? Failure);

/// <summary>Delivers spooled reports in scan order, stopping at the first failure worth retrying.</summary>
/// <param name="spool">The spool.</param>
/// <param name="upload">Uploads one report's JSON.</param>
/// <param name="log">Where progress and problems go (never report bodies).</param>
public sealed class SpoolDispatcher(ReportSpool spool, Func<byte[], CancellationToken, Task<SubmissionResult>> upload, ILogger log)
{
    /// <summary>One pass: every pending report in order until one fails for a reason that may pass.</summary>
    public async Task<DeliveryPass> DeliverPending(CancellationToken cancel)
    {
        var delivered = new List<SubmissionResult>();
        var losses = new List<SpoolLoss>();
        foreach (var entry in spool.Pending())
        {
            cancel.ThrowIfCancellationRequested();
            try
            {
                var result = await upload(spool.Read(entry), cancel).ConfigureAwait(false);
                spool.Remove(entry);
                delivered.Add(result);
                log.LogInformation("Delivered report {ReportId} ({Attestation}{Duplicate})", entry.ReportId, result.Attestation,
                    result.Duplicate ? ", already stored" : "");
            }
            catch (SpoolCorruptException e)
            {
                losses.Add(new SpoolLoss(entry.ReportId, entry.FinishedAt, e.Message));
                log.LogError("Spooled report {ReportId} is unreadable: {Problem}", entry.ReportId, e.Message);
            }
            catch (AggregatorException e) when (!e.Transient)
            {
                spool.Reject(entry);
                losses.Add(new SpoolLoss(entry.ReportId, entry.FinishedAt, $"refused by the aggregator: {e.Message}; kept in {spool.RejectedDirectory}"));
                log.LogError("The aggregator refused report {ReportId} for good: {Problem}", entry.ReportId, e.Message);
            }
            catch (AgentException e)
            {
                log.LogWarning("Delivery paused, {Pending} report(s) stay spooled: {Problem}", spool.Pending().Count, e.Message);
                return new DeliveryPass(delivered, losses, e);
            }
        }
        return new DeliveryPass(delivered, losses, null);
    }
}
