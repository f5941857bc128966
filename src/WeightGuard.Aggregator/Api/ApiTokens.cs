using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Api;

/// <summary>People's bearer tokens: <c>wgp_</c> and 32 random bytes (base64url), stored only as their SHA-256.</summary>
public static class ApiTokens
{
    private const string Prefix = "wgp_";

    /// <summary>Issues a token for <paramref name="name"/> with <paramref name="role"/>; the token is returned once and not kept.</summary>
    /// <exception cref="ArgumentException">The role is not one of <see cref="Roles.All"/>, or the name is empty.</exception>
    public static async Task<string> CreateAsync(IAggregatorStore store, string name, string role, DateTimeOffset now, CancellationToken cancel = default)
    {
        if (!Roles.All.Contains(role)) throw new ArgumentException($"role '{role}' is not one of {string.Join(", ", Roles.All)}", nameof(role));
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200) throw new ArgumentException("a token needs a name of 1 to 200 characters", nameof(name));
        var token = Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        await store.AddApiTokenAsync(Hash(token), new ApiTokenRecord(name, role), now, cancel);
        return token;
    }

    /// <summary>What the store keeps of a token: SHA-256 of its text, lowercase hex.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
