namespace WeightGuard.Aggregator.Storage;

/// <summary>A person's API token as stored: everything but the secret (kept only as its SHA-256).</summary>
/// <param name="TokenId">A short public id to list and revoke it by.</param>
/// <param name="Name">Who or what it was issued to.</param>
/// <param name="Role"><c>viewer</c>, <c>auditor</c> or <c>admin</c>.</param>
/// <param name="CreatedAt">When it was issued.</param>
/// <param name="ExpiresAt">When it stops working.</param>
/// <param name="RevokedAt">When an admin revoked it; null while it is not revoked.</param>
/// <param name="LastUsedAt">When it last authenticated a request or a sign-in (to the minute); null before its first use.</param>
public sealed record ApiTokenRecord(string TokenId, string Name, string Role, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt = null, DateTimeOffset? LastUsedAt = null)
{
    /// <summary>True when the token may authenticate at <paramref name="now"/>: not revoked and not expired.</summary>
    public bool IsActive(DateTimeOffset now) => RevokedAt is null && now < ExpiresAt;
}
