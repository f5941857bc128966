using WeightGuard.Aggregator.Problems;
using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Api;

/// <summary><c>GET /api/v1/audit</c>: the audit log for auditors, oldest first, a page at a time.</summary>
internal static class AuditEndpoints
{
    /// <summary>The most rows one request returns.</summary>
    public const int MaxPage = 1000;

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGroup("/api/v1").RequireAuthorization(Roles.Auditor).MapGet("/audit", async (long? after, int? limit, IAggregatorStore store,
            CancellationToken cancel) =>
        {
            var count = limit ?? 100;
            if (after is < 0 || count is < 1 or > MaxPage) throw ProblemException.BadRequest($"after must be 0 or more and limit 1 to {MaxPage}");
            return Results.Ok(await store.AuditAfterAsync(after ?? 0, count, cancel));
        });
}
