using WeightGuard.Aggregator.Judgement;
using WeightGuard.Aggregator.Problems;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Aggregator.Api;

/// <summary>One host with its current verdicts, its report history and its refused submissions.</summary>
/// <param name="Host">The host as every page shows it.</param>
/// <param name="Verdicts">The current verdict of every control of every profile it is judged against.</param>
/// <param name="History">Its reports, newest first, each with what was judged when it arrived and the waivers and attestations then in force.</param>
/// <param name="Refusals">Submissions refused because their attestation did not hold, newest first.</param>
public sealed record HostDetailView(HostView Host, IReadOnlyList<CurrentVerdict> Verdicts, IReadOnlyList<ReportRow> History, IReadOnlyList<Refusal> Refusals);

/// <summary>One page of hosts.</summary>
/// <param name="Total">Hosts matching the search.</param>
/// <param name="Hosts">This page, by name.</param>
public sealed record HostPageView(int Total, IReadOnlyList<HostView> Hosts);

/// <summary>The fleet as people read it (role <c>viewer</c> and above): hosts, one host, one control, compliance over time.</summary>
internal static class FleetEndpoints
{
    private const int MaxHistory = 1000;
    private const int MaxPage = 10_000;
    private const int MaxDays = 366;

    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization(Roles.Viewer);

        api.MapGet("/hosts", async (string? search, int? offset, int? limit, FleetStatus fleet, CancellationToken cancel) =>
        {
            var query = new HostQuery(search, offset ?? 0, limit ?? MaxPage);
            if (query.Offset < 0 || query.Limit is < 1 or > MaxPage) throw ProblemException.BadRequest($"offset must be 0 or more and limit 1 to {MaxPage}");
            if (query.Search is { Length: > 253 }) throw ProblemException.BadRequest("search exceeds 253 characters");
            var (total, hosts) = await fleet.PageAsync(query, cancel);
            return Results.Ok(new HostPageView(total, hosts));
        });

        api.MapGet("/hosts/{agentId}", async (string agentId, int? history, FleetStatus fleet, CancellationToken cancel) =>
        {
            var limit = history ?? 50;
            if (limit is < 1 or > MaxHistory) throw ProblemException.BadRequest($"history must be 1 to {MaxHistory}");
            var found = await fleet.HostAsync(agentId, limit, cancel) ?? throw ProblemException.NotFound($"no host with agent id {agentId}");
            return Results.Ok(new HostDetailView(found.Host, found.Detail.Verdicts, found.Detail.History, found.Detail.Refusals));
        });

        api.MapGet("/controls/{controlId}/hosts", async (string controlId, Catalog catalog, IAggregatorStore store, FleetJudge judge, CancellationToken cancel) =>
        {
            if (!catalog.Controls.ContainsKey(controlId)) throw ProblemException.NotFound($"no control {controlId} in this aggregator's catalogue");
            await judge.RefreshDueAsync(cancel);
            return Results.Ok(await store.ControlAcrossFleetAsync(controlId, cancel));
        });

        api.MapGet("/compliance/{profileId}", async (string profileId, int? days, Catalog catalog, IAggregatorStore store, TimeProvider time,
            CancellationToken cancel) =>
        {
            if (!catalog.Profiles.ContainsKey(profileId)) throw ProblemException.NotFound($"no profile {profileId} in this aggregator's catalogue");
            var span = days ?? 30;
            if (span is < 1 or > MaxDays) throw ProblemException.BadRequest($"days must be 1 to {MaxDays}");
            var since = new DateTimeOffset(time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero).AddDays(1 - span);
            return Results.Ok(await store.ComplianceOverTimeAsync(profileId, since, cancel));
        });
    }
}
