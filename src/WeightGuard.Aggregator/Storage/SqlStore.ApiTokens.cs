using System.Data.Common;

namespace WeightGuard.Aggregator.Storage;

/// <summary>API tokens (see the partial <see cref="IAggregatorStore"/>).</summary>
public abstract partial class SqlStore
{
    private const string ApiTokenColumns = "token_id, name, role, created_at, expires_at, revoked_at, last_used_at";

    /// <inheritdoc/>
    public Task AddApiTokenAsync(string tokenHash, ApiTokenRecord token, CancellationToken cancel = default) =>
        Write($"INSERT INTO api_tokens (token_hash, {ApiTokenColumns}) VALUES (@h, @id, @n, @r, @at, @exp, NULL, NULL)", cancel,
            ("h", tokenHash), ("id", token.TokenId), ("n", token.Name), ("r", token.Role), ("at", Ms(token.CreatedAt)), ("exp", Ms(token.ExpiresAt)));

    /// <inheritdoc/>
    public Task<ApiTokenRecord?> FindApiTokenAsync(string tokenHash, CancellationToken cancel = default) =>
        OneApiTokenAsync("token_hash = @k", tokenHash, cancel);

    /// <inheritdoc/>
    public Task<ApiTokenRecord?> GetApiTokenAsync(string tokenId, CancellationToken cancel = default) =>
        OneApiTokenAsync("token_id = @k", tokenId, cancel);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ApiTokenRecord>> ListApiTokensAsync(CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null, $"SELECT {ApiTokenColumns} FROM api_tokens ORDER BY created_at DESC, token_id");
        return await ReadAll(cmd, ReadApiToken, cancel);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ApiTokenRecord>> RevokeApiTokensAsync(string idOrName, DateTimeOffset at, CancellationToken cancel = default)
    {
        using var writer = await EnterWriterAsync(cancel);
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null, $"""
            UPDATE api_tokens SET revoked_at = @at WHERE (token_id = @k OR name = @k) AND revoked_at IS NULL
            RETURNING {ApiTokenColumns}
            """, ("k", idOrName), ("at", Ms(at)));
        return await ReadAll(cmd, ReadApiToken, cancel);
    }

    /// <inheritdoc/>
    public Task TouchApiTokenAsync(string tokenId, DateTimeOffset at, CancellationToken cancel = default) =>
        Write("UPDATE api_tokens SET last_used_at = @at WHERE token_id = @id", cancel, ("id", tokenId), ("at", Ms(at)));

    private async Task<ApiTokenRecord?> OneApiTokenAsync(string where, string key, CancellationToken cancel)
    {
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null, $"SELECT {ApiTokenColumns} FROM api_tokens WHERE {where}", ("k", key));
        var found = await ReadAll(cmd, ReadApiToken, cancel);
        return found.Count == 0 ? null : found[0];
    }

    private static ApiTokenRecord ReadApiToken(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), FromMs(Long(r, 3)),
        FromMs(Long(r, 4)), r.IsDBNull(5) ? null : FromMs(Long(r, 5)), r.IsDBNull(6) ? null : FromMs(Long(r, 6)));
}
