using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Api;

/// <summary>
/// People's bearer tokens: <c>wgp_</c> and 32 random bytes (base64url), stored only as their SHA-256. A token's public
/// id is the first 16 hex digits of that hash: enough to list and revoke it by, useless to authenticate with.
/// </summary>
public static class ApiTokens
{
    /// <summary>How long a token lives unless its creator says otherwise.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(90);
    /// <summary>The longest lifetime a token may have.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(366);
    /// <summary>The claim that carries the token's id in API requests and dashboard sessions.</summary>
    public const string IdClaim = "weightguard:token-id";

    private const string Prefix = "wgp_";
    private const int IdLength = 16;

    /// <summary>Issues a token for <paramref name="name"/> with <paramref name="role"/> that lives <see cref="DefaultLifetime"/>.</summary>
    /// <exception cref="ArgumentException">The role is not one of <see cref="Roles.All"/>, or the name is empty or too long.</exception>
    public static Task<string> CreateAsync(IAggregatorStore store, string name, string role, DateTimeOffset now, CancellationToken cancel = default) =>
        CreateAsync(store, name, role, now, DefaultLifetime, cancel);

    /// <summary>Issues a token living <paramref name="lifetime"/>; the token is returned once and not kept.</summary>
    /// <exception cref="ArgumentException">The role, name or lifetime is out of bounds.</exception>
    public static async Task<string> CreateAsync(IAggregatorStore store, string name, string role, DateTimeOffset now, TimeSpan lifetime,
        CancellationToken cancel = default)
    {
        if (!Roles.All.Contains(role)) throw new ArgumentException($"role '{role}' is not one of {string.Join(", ", Roles.All)}", nameof(role));
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200 || name.Any(char.IsControl))
            throw new ArgumentException("a token needs a name of 1 to 200 characters without control characters", nameof(name));
        if (lifetime <= TimeSpan.Zero || lifetime > MaxLifetime)
            throw new ArgumentException($"a token lives more than 0 and at most {MaxLifetime.TotalDays:0} days", nameof(lifetime));
        var token = Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        await store.AddApiTokenAsync(Hash(token), new ApiTokenRecord(Id(token), name, role, now, now + lifetime), cancel);
        return token;
    }

    /// <summary>What the store keeps of a token: SHA-256 of its text, lowercase hex.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>A token's public id.</summary>
    public static string Id(string token) => Hash(token)[..IdLength];

    /// <summary>The principal a token authenticates under <paramref name="scheme"/>: its holder's name, role and the token's id.</summary>
    public static ClaimsPrincipal Principal(ApiTokenRecord token, string scheme) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, token.Name), new Claim(ClaimTypes.Role, token.Role), new Claim(IdClaim, token.TokenId)], scheme));
}
