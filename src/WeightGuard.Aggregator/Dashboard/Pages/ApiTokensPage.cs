using WeightGuard.Aggregator.Api;
using WeightGuard.Aggregator.Storage;
using static WeightGuard.Aggregator.Dashboard.Markup;

namespace WeightGuard.Aggregator.Dashboard.Pages;

/// <summary>
/// People's API tokens (admin): every token with its state, creation, expiry and last use — never a secret — a revoke
/// button on each active one, and a form that issues a new token and shows it once.
/// </summary>
public static class ApiTokensPage
{
    /// <summary>Renders the list and the form; <paramref name="issued"/> is shown once above them, <paramref name="error"/> when the last form was refused.</summary>
    public static Markup Render(HttpContext http, IReadOnlyList<ApiTokenRecord> tokens, DateTimeOffset now, IssuedApiToken? issued, string? error) =>
        Layout.Page(http, "API tokens", Html($"""
        <h1>API tokens</h1>
        <p>People and tools use these with the API (<code>Authorization: Bearer</code>) and to sign in here. A revoked or expired token stops at once, and so do the dashboard sessions opened with it.</p>
        {If(issued is not null, Html($"""<p class="issued" role="status">New {issued?.Record.Role} token for {issued?.Record.Name}, id {issued?.Record.TokenId}, valid until {issued?.Record.ExpiresAt:yyyy-MM-dd HH:mm} UTC. It is shown only now: <code>{issued?.Token}</code></p>"""))}
        <table><caption>{tokens.Count} token(s), newest first</caption>
        <thead><tr><th scope="col">Id</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">State</th><th scope="col">Created</th><th scope="col">Expires</th><th scope="col">Last used</th><th scope="col"></th></tr></thead>
        <tbody>{Join(tokens.Select(t => Row(http, ApiTokenView.Of(t, now))))}</tbody></table>
        <h2>Issue a token</h2>
        {If(error is not null, Html($"<p class=\"error\" role=\"alert\">{error}</p>"))}
        <form method="post" action="{DashboardPaths.ApiTokens}" class="export">{Layout.AntiforgeryField(http)}
        <div><label for="name">Name (who holds it)</label> <input id="name" name="name" required maxlength="200"></div>
        <div><label for="role">Role</label> <select id="role" name="role">{Join(Roles.All.Select(r => Html($"<option>{r}</option>")))}</select></div>
        <div><label for="expires">Lifetime (e.g. 30d; at most {ApiTokens.MaxLifetime.TotalDays:0}d)</label> <input id="expires" name="expires" value="{ApiTokens.DefaultLifetime.TotalDays:0}d" required maxlength="8"></div>
        <button type="submit">Issue the token</button>
        </form>
        """));

    private static Markup Row(HttpContext http, ApiTokenView t) => Html($"""
        <tr><td><code>{t.Id}</code></td><td>{t.Name}</td><td>{t.Role}</td><td>{t.State}</td><td>{t.CreatedAt:yyyy-MM-dd HH:mm}</td><td>{t.ExpiresAt:yyyy-MM-dd HH:mm}</td><td>{(t.LastUsedAt is { } used ? used.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) : "never")}</td>
        <td>{If(t.State == "active", Html($"""<form method="post" action="{DashboardPaths.RevokeApiToken(t.Id)}" class="inline">{Layout.AntiforgeryField(http)}<button type="submit">Revoke</button></form>"""))}</td></tr>
        """);
}
