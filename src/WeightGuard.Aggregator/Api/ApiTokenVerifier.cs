using WeightGuard.Aggregator.Hosting;
using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Api;

/// <summary>What checking a presented API token found.</summary>
/// <param name="Token">The token, when it is known, unrevoked and unexpired.</param>
/// <param name="Problem">Why it was refused, when it was.</param>
/// <param name="RetryAfter">Set when the client's address has failed too often to be checked at all.</param>
public sealed record TokenVerdict(ApiTokenRecord? Token, string? Problem, TimeSpan? RetryAfter = null);

/// <summary>
/// Checks a presented API token for the bearer scheme and the dashboard's sign-in alike: known, not revoked, not expired.
/// Every refusal counts against the client's address and the presented token, on every instance; an address over its
/// limit is refused before any lookup.
/// </summary>
public sealed class ApiTokenVerifier(IAggregatorStore store, TimeProvider time, Throttles throttles)
{
    /// <summary>Last use is recorded at most this often per token, so that reads do not each write.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>Checks <paramref name="token"/> presented from <paramref name="address"/>.</summary>
    public async Task<TokenVerdict> VerifyAsync(string token, string address, CancellationToken cancel)
    {
        if (await throttles.AuthenticationFailures.RetryAfterAsync(address, cancel) is { } wait)
            return new TokenVerdict(null, "too many failed sign-ins or API token checks from this address; try again later", wait);
        var now = time.GetUtcNow();
        var found = token.Length is > 0 and <= 200 ? await store.FindApiTokenAsync(ApiTokens.Hash(token), cancel) : null;
        var problem = found switch
        {
            null => "unknown API token",
            { RevokedAt: { } at } => $"API token {found.TokenId} was revoked at {at:yyyy-MM-ddTHH:mm:ssZ}",
            _ when now >= found.ExpiresAt => $"API token {found.TokenId} expired at {found.ExpiresAt:yyyy-MM-ddTHH:mm:ssZ}",
            _ => null,
        };
        if (problem is not null)
        {
            await throttles.AuthenticationFailures.CountAsync(address, cancel);
            // Counted only when refused, so that a valid token costs no second read.
            if (await throttles.AuthenticationFailuresByToken.CountAsync(ApiTokens.Id(token), cancel) is { } tokenWait)
                return new TokenVerdict(null, "this API token was refused too often; try again later", tokenWait);
            return new TokenVerdict(null, problem);
        }
        if (found!.LastUsedAt is not { } last || now - last >= LastUsedResolution) await store.TouchApiTokenAsync(found.TokenId, now, cancel);
        return new TokenVerdict(found, null);
    }
}
