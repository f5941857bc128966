using WeightGuard.Aggregator.Audit;
using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Api;

/// <summary>A new API token: the secret (shown once) and what is kept of it.</summary>
/// <param name="Token">The bearer token.</param>
/// <param name="Record">Its stored record.</param>
public sealed record IssuedApiToken(string Token, ApiTokenRecord Record);

/// <summary>
/// Issuing and revoking API tokens with their audit rows, the same from the API, the dashboard and the command line.
/// A revoked token stops at once: bearer checks and dashboard sessions both read the token's state on every request.
/// </summary>
public sealed class ApiTokenLifecycle(IAggregatorStore store, AuditLog audit, TimeProvider time)
{
    /// <summary>Issues a token and records who issued it.</summary>
    /// <exception cref="ArgumentException">The name, role or lifetime is out of bounds.</exception>
    public async Task<IssuedApiToken> IssueAsync(string actor, string source, string name, string role, TimeSpan lifetime, CancellationToken cancel)
    {
        var token = await ApiTokens.CreateAsync(store, name, role, time.GetUtcNow(), lifetime, cancel);
        var record = (await store.GetApiTokenAsync(ApiTokens.Id(token), cancel))!;
        await audit.RecordAsync(actor, AuditActions.ApiTokenCreated, record.TokenId,
            $"name {record.Name}; role {record.Role}; expires {record.ExpiresAt:yyyy-MM-ddTHH:mm:ssZ}", source, cancel);
        return new IssuedApiToken(token, record);
    }

    /// <summary>Revokes the active tokens with this id or name and records each; returns them (none: nothing matched).</summary>
    public async Task<IReadOnlyList<ApiTokenRecord>> RevokeAsync(string actor, string source, string idOrName, CancellationToken cancel)
    {
        var revoked = await store.RevokeApiTokensAsync(idOrName, time.GetUtcNow(), cancel);
        foreach (var token in revoked)
            await audit.RecordAsync(actor, AuditActions.ApiTokenRevoked, token.TokenId, $"name {token.Name}; role {token.Role}", source, cancel);
        return revoked;
    }
}
