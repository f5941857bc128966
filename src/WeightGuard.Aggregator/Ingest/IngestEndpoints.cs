using System.Security.Cryptography;
using WeightGuard.Aggregator.Problems;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Protocol;

namespace WeightGuard.Aggregator.Ingest;

/// <summary>The agents' routes over mutual TLS: a nonce, then a report quoted over it.</summary>
internal static class IngestEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(AgentProtocol.NoncePath, async (HttpContext http, IAggregatorStore store, TimeProvider time, CancellationToken cancel) =>
        {
            var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(EvidenceBinding.NonceLength));
            var expires = time.GetUtcNow() + AgentProtocol.NonceLifetime;
            await store.AddNonceAsync(nonce, AgentAuthentication.Agent(http).AgentId, expires, cancel);
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
