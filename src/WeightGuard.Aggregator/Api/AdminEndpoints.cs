using WeightGuard.Core;
using System.Text.Json;
using WeightGuard.Aggregator.Audit;
using WeightGuard.Aggregator.Enrollment;
using WeightGuard.Aggregator.Hosting;
using WeightGuard.Aggregator.Pki;
using WeightGuard.Aggregator.Problems;
using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Api;

/// <summary>What a new API token is for.</summary>
/// <param name="Name">Who or what holds it.</param>
/// <param name="Role"><c>viewer</c>, <c>auditor</c> or <c>admin</c>.</param>
/// <param name="Expires">Lifetime, e.g. <c>30d</c> (default 90 days, at most 366).</param>
public sealed record ApiTokenRequest(string Name, string Role, string Expires = "90d");

/// <summary>A new API token, shown once.</summary>
/// <param name="Token">The bearer token.</param>
/// <param name="Id">Its public id, to list and revoke it by.</param>
/// <param name="Name">Its holder.</param>
/// <param name="Role">Its role.</param>
/// <param name="ExpiresAt">When it stops working.</param>
public sealed record ApiTokenIssued(string Token, string Id, string Name, string Role, DateTimeOffset ExpiresAt);

/// <summary>An API token as listed: never its secret.</summary>
/// <param name="Id">Its public id.</param>
/// <param name="Name">Its holder.</param>
/// <param name="Role">Its role.</param>
/// <param name="State"><c>active</c>, <c>expired</c> or <c>revoked</c>.</param>
/// <param name="CreatedAt">When it was issued.</param>
/// <param name="ExpiresAt">When it stops (or stopped) working.</param>
/// <param name="RevokedAt">When it was revoked.</param>
/// <param name="LastUsedAt">When it last authenticated (to the minute).</param>
public sealed record ApiTokenView(string Id, string Name, string Role, string State, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt)
{
    /// <summary>The view of <paramref name="token"/> at <paramref name="now"/>.</summary>
    public static ApiTokenView Of(ApiTokenRecord token, DateTimeOffset now) => new(token.TokenId, token.Name, token.Role,
        token.RevokedAt is not null ? "revoked" : now >= token.ExpiresAt ? "expired" : "active", token.CreatedAt, token.ExpiresAt, token.RevokedAt,
        token.LastUsedAt);
}

/// <summary>What a new enrolment token allows.</summary>
/// <param name="Expires">Lifetime, e.g. <c>24h</c>.</param>
/// <param name="Uses">How many enrolments it admits.</param>
public sealed record EnrollmentTokenRequest(string Expires = "24h", int Uses = 1);

/// <summary>A new enrolment token, shown once.</summary>
/// <param name="Token">The token (<c>wg1.SECRET.CAPIN</c>).</param>
/// <param name="ExpiresAt">When it stops working.</param>
/// <param name="Uses">How many enrolments it admits.</param>
public sealed record EnrollmentTokenIssued(string Token, DateTimeOffset ExpiresAt, int Uses);

/// <summary>The admin's routes: people's tokens, enrolment tokens, revoking agents.</summary>
internal static class AdminEndpoints
{
    private const long MaxBodyBytes = 16 * 1024;

    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization(Roles.Admin);

        api.MapPost("/api-tokens", async (HttpContext http, ApiTokenLifecycle tokens, CancellationToken cancel) =>
        {
            var request = await ReadAsync<ApiTokenRequest>(http.Request, MaxBodyBytes, cancel);
            try
            {
                var issued = await tokens.IssueAsync(AuditLog.Actor(http.User), Throttles.ClientAddress(http), request.Name, request.Role,
                    Durations.Parse(request.Expires), cancel);
                var r = issued.Record;
                return Results.Created($"/api/v1/api-tokens/{r.TokenId}", new ApiTokenIssued(issued.Token, r.TokenId, r.Name, r.Role, r.ExpiresAt));
            }
            catch (Exception e) when (e is FormatException or ArgumentException) { throw ProblemException.BadRequest(e.Message); }
        });

        api.MapGet("/api-tokens", async (IAggregatorStore store, TimeProvider time, CancellationToken cancel) =>
            (await store.ListApiTokensAsync(cancel)).Select(t => ApiTokenView.Of(t, time.GetUtcNow())).ToList());

        api.MapPost("/api-tokens/{idOrName}/revoke", async (string idOrName, HttpContext http, ApiTokenLifecycle tokens, TimeProvider time,
            CancellationToken cancel) =>
        {
            var revoked = await tokens.RevokeAsync(AuditLog.Actor(http.User), Throttles.ClientAddress(http), idOrName, cancel);
            return revoked.Count > 0
                ? Results.Ok(revoked.Select(t => ApiTokenView.Of(t, time.GetUtcNow())).ToList())
                : throw ProblemException.NotFound($"no unrevoked API token has the id or name '{idOrName}'");
        });

        api.MapPost("/enrollment-tokens", async (HttpContext http, IAggregatorStore store, CertificateAuthority ca, AuditLog audit, TimeProvider time,
            CancellationToken cancel) =>
        {
            var request = await ReadAsync<EnrollmentTokenRequest>(http.Request, MaxBodyBytes, cancel);
            var now = time.GetUtcNow();
            try
            {
                var lifetime = Durations.Parse(request.Expires);
                var token = await EnrollmentTokens.CreateAsync(store, ca.Certificate.RawData, lifetime, request.Uses, now, cancel);
                await audit.RecordAsync(http, AuditActions.EnrollmentTokenCreated, $"{request.Uses} use(s)", $"expires {now + lifetime:yyyy-MM-ddTHH:mm:ssZ}", cancel);
                return Results.Created((string?)null, new EnrollmentTokenIssued(token.ToString(), now + lifetime, request.Uses));
            }
            catch (Exception e) when (e is FormatException or ArgumentException) { throw ProblemException.BadRequest(e.Message); }
        });

        api.MapPost("/agents/{agentId}/revoke", async (string agentId, HttpContext http, IAggregatorStore store, AuditLog audit, TimeProvider time,
            CancellationToken cancel) =>
        {
            if (!await store.RevokeAgentAsync(agentId, time.GetUtcNow(), cancel)) throw ProblemException.NotFound($"no agent {agentId}");
            await audit.RecordAsync(http, AuditActions.AgentRevoked, agentId, cancel: cancel);
            return Results.NoContent();
        });
    }

    /// <summary>A JSON body of at most <paramref name="maxBytes"/>, bound to <typeparamref name="T"/>; bad input is a 400 problem.</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest http, long maxBytes, CancellationToken cancel) where T : class
    {
        using var body = await JsonBody.ReadAsync(http, maxBytes, cancel);
        return JsonBody.Bind(body.RootElement, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)StrictWeb.GetTypeInfo(typeof(T)));
    }

    /// <summary>Web JSON that refuses null for a member that is not nullable and a missing required member, rather than binding them.</summary>
    private static readonly JsonSerializerOptions StrictWeb = new(JsonSerializerOptions.Web)
    {
        RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true,
    };
}
