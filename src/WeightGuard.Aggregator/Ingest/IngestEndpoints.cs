using System.Security.Cryptography;
using WeightGuard.Aggregator.Hosting;
using WeightGuard.Aggregator.Problems;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Protocol;

namespace WeightGuard.Aggregator.Ingest;

/// <summary>The agents' routes over mutual TLS: a nonce, then a report quoted over it.</summary>
internal static class IngestEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(AgentProtocol.NoncePath, async (HttpContext http, IAggregatorStore store, Throttles throttles, AggregatorSettings settings,
            TimeProvider time, CancellationToken cancel) =>
        {
            var agentId = AgentAuthentication.Agent(http).AgentId;
            if (throttles.Nonces.Count(agentId) is { } wait)
                return new TooManyRequests(wait, $"agent {agentId} asked for more than {settings.NoncesPerMinute} nonces in a minute");
            var now = time.GetUtcNow();
            var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(EvidenceBinding.NonceLength));
            var expires = now + AgentProtocol.NonceLifetime;
            if (await store.AddNonceAsync(nonce, agentId, now, expires, settings.MaxOutstandingNonces, cancel) is { } firstExpiry)
                return new TooManyRequests(firstExpiry - now,
                    $"agent {agentId} already holds {settings.MaxOutstandingNonces} unused nonces; use one or wait until the first expires");
            return Results.Json(new NonceResponse(nonce, expires), ProtocolJsonContext.Default.NonceResponse);
        }).RequireAuthorization(AgentAuthentication.SchemeName);

        app.MapPost(AgentProtocol.ReportsPath, async (HttpContext http, ReportIngest ingest, CancellationToken cancel) =>
        {
            using var body = await JsonBody.ReadAsync(http.Request, AgentProtocol.MaxSubmissionBytes, cancel);
            var result = await ingest.SubmitAsync(AgentAuthentication.Agent(http), body.RootElement, cancel);
            return Results.Json(result, ProtocolJsonContext.Default.SubmissionResult);
        }).RequireAuthorization(AgentAuthentication.SchemeName);
    }
}
