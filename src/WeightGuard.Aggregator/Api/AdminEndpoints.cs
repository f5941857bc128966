using WeightGuard.Core;
using System.Text.Json;
using WeightGuard.Aggregator.Enrollment;
using WeightGuard.Aggregator.Pki;
using WeightGuard.Aggregator.Problems;
using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Api;

/// <summary>What a new API token is for.</summary>
/// <param name="Name">Who or what holds it.</param>
/// <param name="Role"><c>viewer</c>, <c>auditor</c> or <c>admin</c>.</param>
public sealed record ApiTokenRequest(string Name, string Role);

/// <summary>A new API token, shown once.</summary>
/// <param name="Token">The bearer token.</param>
/// <param name="Name">Its holder.</param>
/// <param name="Role">Its role.</param>
public sealed record ApiTokenIssued(string Token, string Name, string Role);

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

        api.MapPost("/api-tokens", async (HttpRequest http, IAggregatorStore store, TimeProvider time, CancellationToken cancel) =>
        {
            var request = await ReadAsync<ApiTokenRequest>(http, MaxBodyBytes, cancel);
            try
            {
                var token = await ApiTokens.CreateAsync(store, request.Name, request.Role, time.GetUtcNow(), cancel);
                return Results.Created((string?)null, new ApiTokenIssued(token, request.Name, request.Role));
            }
            catch (ArgumentException e) { throw ProblemException.BadRequest(e.Message); }
        });

        api.MapPost("/enrollment-tokens", async (HttpRequest http, IAggregatorStore store, CertificateAuthority ca, TimeProvider time,
            CancellationToken cancel) =>
        {
            var request = await ReadAsync<EnrollmentTokenRequest>(http, MaxBodyBytes, cancel);
            var now = time.GetUtcNow();
            try
            {
                var lifetime = Durations.Parse(request.Expires);
                var token = await EnrollmentTokens.CreateAsync(store, ca.Certificate.RawData, lifetime, request.Uses, now, cancel);
                return Results.Created((string?)null, new EnrollmentTokenIssued(token.ToString(), now + lifetime, request.Uses));
            }
            catch (Exception e) when (e is FormatException or ArgumentException) { throw ProblemException.BadRequest(e.Message); }
        });

        api.MapPost("/agents/{agentId}/revoke", async (string agentId, IAggregatorStore store, TimeProvider time, CancellationToken cancel) =>
            await store.RevokeAgentAsync(agentId, time.GetUtcNow(), cancel)
                ? Results.NoContent()
                : throw ProblemException.NotFound($"no agent {agentId}"));
    }

    /// <summary>A JSON body of at most <paramref name="maxBytes"/>, bound to <typeparamref name="T"/>; bad input is a 400 problem.</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest http, long maxBytes, CancellationToken cancel) where T : class
    {
        using var body = await JsonBody.ReadAsync(http, maxBytes, cancel);
        return JsonBody.Bind(body.RootElement, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)JsonSerializerOptions.Web.GetTypeInfo(typeof(T)));
    }
}
