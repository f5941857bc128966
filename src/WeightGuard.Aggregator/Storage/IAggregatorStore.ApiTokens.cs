namespace WeightGuard.Aggregator.Storage;

/// <summary>People's API tokens and their lifecycle (see the partial <see cref="IAggregatorStore"/>).</summary>
public partial interface IAggregatorStore
{
    /// <summary>Records a person's API token by the hash of its secret.</summary>
    Task AddApiTokenAsync(string tokenHash, ApiTokenRecord token, CancellationToken cancel = default);

    /// <summary>The API token with this hash (active or not), or null.</summary>
    Task<ApiTokenRecord?> FindApiTokenAsync(string tokenHash, CancellationToken cancel = default);

    /// <summary>The API token with this id (active or not), or null.</summary>
    Task<ApiTokenRecord?> GetApiTokenAsync(string tokenId, CancellationToken cancel = default);

    /// <summary>Every API token, newest first.</summary>
    Task<IReadOnlyList<ApiTokenRecord>> ListApiTokensAsync(CancellationToken cancel = default);

    /// <summary>Revokes the unrevoked tokens whose id or name is <paramref name="idOrName"/>; returns those revoked.</summary>
    Task<IReadOnlyList<ApiTokenRecord>> RevokeApiTokensAsync(string idOrName, DateTimeOffset at, CancellationToken cancel = default);

    /// <summary>Records that a token was used at <paramref name="at"/>.</summary>
    Task TouchApiTokenAsync(string tokenId, DateTimeOffset at, CancellationToken cancel = default);
}
