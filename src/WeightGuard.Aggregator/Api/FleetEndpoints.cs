using WeightGuard.Aggregator.Problems;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Aggregator.Api;

/// <summary>The fleet as people read it (role <c>viewer</c> and above): hosts, one host, one control, compliance over time.</summary>
internal static class FleetEndpoints
{
    private const int MaxHistory = 1000;
    private const int MaxPage = 10_000;
    private const int MaxDays = 366;

    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization(Roles.Viewer);

        api.MapGet("/hosts", async (string? search, int? offset, int? limit, IAggregatorStore store, CancellationToken cancel) =>
        {
            var query = new HostQuery(search, offset ?? 0, limit ?? MaxPage);
            if (query.Offset < 0 || query.Limit is < 1 or > MaxPage) throw ProblemException.BadRequest($"offset must be 0 or more and limit 1 to {MaxPage}");
            if (query.Search is { Length: > 253 }) throw ProblemException.BadRequest("search exceeds 253 characters");
            return Results.Ok(await store.ListHostsAsync(query, cancel));
        });

        api.MapGet("/hosts/{agentId}", async (string agentId, int? history, IAggregatorStore store, CancellationToken cancel) =>
        {
            var limit = history ?? 50;
            if (limit is < 1 or > MaxHistory) throw ProblemException.BadRequest($"history must be 1 to {MaxHistory}");
            return Results.Ok(await store.GetHostAsync(agentId, limit, cancel) ?? throw ProblemException.NotFound($"no host with agent id {agentId}"));
        });

        api.MapGet("/controls/{controlId}/hosts", async (string controlId, Catalog catalog, IAggregatorStore store, CancellationToken cancel) =>
            catalog.Controls.ContainsKey(controlId)
                ? Results.Ok(await store.ControlAcrossFleetAsync(controlId, cancel))
                : throw ProblemException.NotFound($"no control {controlId} in this aggregator's catalogue"));

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
