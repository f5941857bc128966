using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Aggregator.Api;
using WeightGuard.Aggregator.Dashboard.Pages;

namespace WeightGuard.Aggregator.Dashboard;

/// <summary>
/// People sign in to the dashboard with their API token; the aggregator then keeps a data-protected authentication ticket
/// (name, role and the token's public id, never the token) in an HttpOnly, Secure, SameSite=Strict cookie, and checks the
/// token is still active on every request. One policy per role mirrors the API's.
/// Forms carry antiforgery tokens in <see cref="FormFieldName"/>.
/// </summary>
public static class DashboardAuthentication
{
    /// <summary>The cookie scheme's name.</summary>
    public const string Scheme = "DashboardCookie";
    /// <summary>The hidden form field holding the antiforgery token.</summary>
    public const string FormFieldName = "_csrf";
    /// <summary>How long a sign-in lasts (not sliding: a stolen cookie dies with it).</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);

    /// <summary>The dashboard policy requiring <paramref name="role"/> or a role above it.</summary>
    public static string Policy(string role) => "dashboard-" + role;

    /// <summary>True when <paramref name="user"/> holds <paramref name="role"/> or a role above it.</summary>
    public static bool Has(ClaimsPrincipal user, string role) => Roles.AtLeast(role).Any(user.IsInRole);

    /// <summary>Adds the cookie scheme, the dashboard's role policies and antiforgery.</summary>
    public static void Add(IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(Scheme, options =>
        {
            // __Host- cookies must be Secure, host-only and for path /: no subdomain or path can plant or read one.
            options.Cookie.Name = "__Host-weightguard";
            options.Cookie.Path = "/";
            options.Cookie.HttpOnly = true;
            options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.ExpireTimeSpan = SessionLifetime;
            options.SlidingExpiration = false;
            options.LoginPath = DashboardPaths.SignIn;
            options.ReturnUrlParameter = "returnUrl";
            options.Events = new CookieAuthenticationEvents
            {
                OnValidatePrincipal = EndSessionOfInactiveTokenAsync,
                // Relative, never built from the Host header: a forged Host must not turn the redirect into one to another site.
                OnRedirectToLogin = context =>
                {
                    var request = context.Request;
                    context.Response.Redirect(DashboardPaths.With(DashboardPaths.SignIn, ("returnUrl", $"{request.PathBase}{request.Path}{request.QueryString}")));
                    return Task.CompletedTask;
                },
                OnRedirectToAccessDenied = context => new HtmlPage(MessagePage.Forbidden(context.HttpContext), StatusCodes.Status403Forbidden)
                    .ExecuteAsync(context.HttpContext),
            };
        });
        services.AddAuthorization(options =>
        {
            foreach (var role in Roles.All)
                options.AddPolicy(Policy(role), p => p.AddAuthenticationSchemes(Scheme).RequireRole(Roles.AtLeast(role)));
        });
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "__Host-weightguard-antiforgery";
            options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.FormFieldName = FormFieldName;
        });
    }

    /// <summary>
    /// A session lasts only while the token it was opened with is active: every request reads the token's state, so
    /// revoking (or the expiry of) a token ends its sessions at once, not when their cookies expire.
    /// </summary>
    private static async Task EndSessionOfInactiveTokenAsync(CookieValidatePrincipalContext context)
    {
        var http = context.HttpContext;
        var tokenId = context.Principal?.FindFirstValue(ApiTokens.IdClaim);
        var token = tokenId is null ? null : await http.RequestServices.GetRequiredService<IAggregatorStore>().GetApiTokenAsync(tokenId, http.RequestAborted);
        if (token is not null && token.IsActive(http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow())) return;
        context.RejectPrincipal();
        await http.SignOutAsync(Scheme);
    }
}
