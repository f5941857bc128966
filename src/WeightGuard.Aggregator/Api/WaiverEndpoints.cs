using WeightGuard.Aggregator.Judgement;
using WeightGuard.Aggregator.Audit;
using WeightGuard.Aggregator.Problems;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Aggregator.Waivers;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Aggregator.Api;

/// <summary>A waiver the aggregator judges with.</summary>
/// <param name="Id">The stored waiver's id; null for the catalogue's own, which cannot be deleted here.</param>
/// <param name="Source"><c>catalogue</c> or <c>stored</c>.</param>
/// <param name="ControlId">The control waived.</param>
/// <param name="Hosts">Hostname glob.</param>
/// <param name="Justification">Why the risk is accepted.</param>
/// <param name="Approver">Who accepted it.</param>
/// <param name="Expires">Last day (UTC) it holds.</param>
public sealed record WaiverView(Guid? Id, string Source, string ControlId, string Hosts, string Justification, string Approver, DateOnly Expires);

/// <summary>
/// The admin's waiver routes: list, add and withdraw stored waivers beside the catalogue's read-only ones. Each change
/// judges the fleet's latest reports again at once, so every page and the API agree.
/// </summary>
internal static class WaiverEndpoints
{
    private const long MaxBodyBytes = 16 * 1024;

    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/waivers").RequireAuthorization(Roles.Admin);

        api.MapGet("", async (Catalog catalog, IAggregatorStore store, CancellationToken cancel) =>
            catalog.Waivers.Select(w => new WaiverView(null, "catalogue", w.ControlId, w.HostPattern, w.Justification, w.Approver, w.Expires))
                .Concat((await store.ListWaiversAsync(cancel)).Where(w => w.WithdrawnAt is null).Select(View)).ToList());

        api.MapPost("", async (HttpRequest http, Catalog catalog, IAggregatorStore store, FleetJudge judge, AuditLog audit, TimeProvider time,
            CancellationToken cancel) =>
        {
            var request = await AdminEndpoints.ReadAsync<WaiverRequest>(http, MaxBodyBytes, cancel);
            StoredWaiver waiver;
            try { waiver = request.Accept(catalog, http.HttpContext.User.Identity!.Name!, time.GetUtcNow()); }
            catch (ArgumentException e) { throw ProblemException.BadRequest(e.Message); }
            await store.AddWaiverAsync(waiver, cancel);
            await audit.RecordAsync(http.HttpContext, AuditActions.WaiverAdded, waiver.WaiverId.ToString(), WaiverDetails(waiver), cancel);
            await judge.RejudgeAsync(null, cancel);
            return Results.Created($"/api/v1/waivers/{waiver.WaiverId}", View(waiver));
        });

        api.MapDelete("/{waiverId:guid}", async (Guid waiverId, HttpContext http, IAggregatorStore store, FleetJudge judge, AuditLog audit, TimeProvider time,
            CancellationToken cancel) =>
        {
            // Withdrawn, not erased: reports judged while it stood still re-derive with it.
            if (!await store.WithdrawWaiverAsync(waiverId, time.GetUtcNow(), cancel)) throw ProblemException.NotFound($"no standing waiver {waiverId}");
            await audit.RecordAsync(http, AuditActions.WaiverRemoved, waiverId.ToString(), cancel: cancel);
            await judge.RejudgeAsync(null, cancel);
            return Results.NoContent();
        });
    }

    /// <summary>What the audit log keeps of a stored waiver.</summary>
    public static string WaiverDetails(StoredWaiver w) => $"control {w.ControlId}; hosts {w.HostPattern}; expires {w.Expires:yyyy-MM-dd}";

    private static WaiverView View(StoredWaiver w) => new(w.WaiverId, "stored", w.ControlId, w.HostPattern, w.Justification, w.Approver, w.Expires);
}
