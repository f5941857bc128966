using WeightGuard.Aggregator.Audit;
using WeightGuard.Aggregator.Hosting;
using WeightGuard.Aggregator.Judgement;
using WeightGuard.Aggregator.Problems;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Aggregator.Api;

/// <summary>One policy assignment as the API shows it.</summary>
/// <param name="Hosts">Enrolled-name glob, or null.</param>
/// <param name="Labels">Labels a host must carry.</param>
/// <param name="Profiles">Profiles the covered hosts are judged against.</param>
public sealed record AssignmentView(string? Hosts, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<string> Profiles);

/// <summary>The fleet policy in force.</summary>
/// <param name="StaleAfter">Seconds a host may stay silent before it is stale.</param>
/// <param name="Assignments">The assignments, in order.</param>
/// <param name="UnassignedProfile">The profile hosts no assignment covers are judged against.</param>
/// <param name="Text">The policy as written (YAML).</param>
/// <param name="UpdatedAt">When an admin applied it; null for the default policy.</param>
/// <param name="UpdatedBy">Who applied it; null for the default policy.</param>
public sealed record PolicyView(long StaleAfter, IReadOnlyList<AssignmentView> Assignments, string UnassignedProfile, string Text,
    DateTimeOffset? UpdatedAt, string? UpdatedBy);

/// <summary>
/// The fleet policy: <c>GET /api/v1/policy</c> (viewer) and <c>PUT /api/v1/policy</c> (admin; the body is the policy's
/// YAML, JSON being YAML too). Applying a policy judges every host's latest report again at once.
/// </summary>
internal static class PolicyEndpoints
{
    /// <summary>Largest policy accepted.</summary>
    public const int MaxPolicyBytes = 256 * 1024;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/policy", async (IAggregatorStore store, FleetJudge judge, CancellationToken cancel) =>
            Results.Ok(View(await judge.PolicyAsync(cancel), await store.GetPolicyAsync(cancel)))).RequireAuthorization(Roles.Viewer);

        app.MapPut("/api/v1/policy", async (HttpRequest http, PolicyApplier policies, CancellationToken cancel) =>
        {
            var text = await ReadTextAsync(http, cancel);
            var user = http.HttpContext.User;
            try { return Results.Ok(await policies.ApplyAsync(text, user.Identity!.Name!, AuditLog.Actor(user), Throttles.ClientAddress(http.HttpContext), cancel)); }
            catch (PolicyRefusedException e) { throw ProblemException.BadRequest(e.Message); }
        }).RequireAuthorization(Roles.Admin);
    }

    /// <summary>The view of <paramref name="policy"/>.</summary>
    public static PolicyView View(FleetPolicy policy, StoredPolicy? stored) => new((long)policy.StaleAfter.TotalSeconds,
        policy.Assignments.Select(a => new AssignmentView(a.Hosts.Hosts, a.Hosts.Labels, a.Profiles)).ToList(), FleetPolicy.UnassignedProfile,
        policy.Text, stored?.UpdatedAt, stored?.UpdatedBy);

    private static async Task<string> ReadTextAsync(HttpRequest http, CancellationToken cancel)
    {
        if (http.ContentLength > MaxPolicyBytes) throw new ProblemException(StatusCodes.Status413PayloadTooLarge, "Too large", $"a policy is at most {MaxPolicyBytes} bytes");
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Body.ReadAsync(chunk, cancel)) > 0)
        {
            if (buffer.Length + read > MaxPolicyBytes) throw new ProblemException(StatusCodes.Status413PayloadTooLarge, "Too large", $"a policy is at most {MaxPolicyBytes} bytes");
            buffer.Write(chunk, 0, read);
        }
        try { return new System.Text.UTF8Encoding(false, true).GetString(buffer.ToArray()); }
        catch (System.Text.DecoderFallbackException) { throw ProblemException.BadRequest("the policy is not UTF-8 text"); }
    }
}
