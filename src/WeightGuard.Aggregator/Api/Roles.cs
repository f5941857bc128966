using Microsoft.AspNetCore.Authorization;

namespace WeightGuard.Aggregator.Api;

/// <summary>
/// People's roles, each a superset of the one before: <c>viewer</c> reads the fleet, <c>auditor</c> also exports
/// evidence, <c>admin</c> also issues tokens and revokes agents. One authorization policy per role, named as the role,
/// so that every endpoint says which role it needs with <c>RequireAuthorization(Roles.Viewer)</c>.
/// </summary>
public static class Roles
{
    /// <summary>Reads hosts, controls and compliance.</summary>
    public const string Viewer = "viewer";
    /// <summary>A viewer who may export evidence bundles.</summary>
    public const string Auditor = "auditor";
    /// <summary>An auditor who may issue tokens and revoke agents.</summary>
    public const string Admin = "admin";

    /// <summary>Every role, weakest first.</summary>
    public static IReadOnlyList<string> All { get; } = [Viewer, Auditor, Admin];

    /// <summary>Adds the three role policies (bearer API tokens).</summary>
    public static void AddPolicies(AuthorizationOptions options)
    {
        foreach (var role in All)
            options.AddPolicy(role, p => p.AddAuthenticationSchemes(ApiTokenAuthentication.SchemeName).RequireRole(AtLeast(role)));
    }

    /// <summary><paramref name="role"/> and every role above it: the roles that may do what <paramref name="role"/> may.</summary>
    public static string[] AtLeast(string role) => All.SkipWhile(r => r != role).ToArray();
}
