using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using WeightGuard.Aggregator.Hosting;
using WeightGuard.Aggregator.Problems;

namespace WeightGuard.Aggregator.Api;

/// <summary>
/// <c>Authorization: Bearer TOKEN</c> for people: the token's hash is looked up and must be unrevoked and unexpired; its
/// role becomes a role claim. Too many failures from one address are answered 429 with <c>Retry-After</c>.
/// </summary>
public sealed class ApiTokenAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiTokenVerifier verifier) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme's name.</summary>
    public const string SchemeName = "ApiToken";

    /// <inheritdoc/>
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var verdict = await verifier.VerifyAsync(header["Bearer ".Length..].Trim(), Throttles.ClientAddress(Context), Context.RequestAborted);
        if (verdict.RetryAfter is { } wait) Context.Items[typeof(TooManyRequests)] = new TooManyRequests(wait, verdict.Problem!);
        return verdict.Token is { } token
            ? AuthenticateResult.Success(new AuthenticationTicket(ApiTokens.Principal(token, SchemeName), SchemeName))
            : AuthenticateResult.Fail(verdict.Problem!);
    }

    /// <inheritdoc/>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[typeof(TooManyRequests)] is TooManyRequests throttled)
        {
            await throttled.ExecuteAsync(Context);
            return;
        }
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Authentication required",
            detail: result.Failure is { } failure ? $"{failure.Message}: this endpoint needs a valid API token" : "this endpoint needs an API token: Authorization: Bearer TOKEN")
            .ExecuteAsync(Context);
    }

    /// <inheritdoc/>
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
            detail: "this API token's role does not allow this request").ExecuteAsync(Context);
}
