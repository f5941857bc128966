using Microsoft.AspNetCore.Antiforgery;
using WeightGuard.Aggregator.Api;
using static WeightGuard.Aggregator.Dashboard.Markup;

namespace WeightGuard.Aggregator.Dashboard;

/// <summary>
/// The frame every dashboard page shares: document head (icon, stylesheets for screen and print), navigation by role, the
/// signed-in person, sign-out, and the time of printing (shown in print only).
/// </summary>
public static class Layout
{
    /// <summary>A whole document titled <paramref name="title"/> around <paramref name="main"/>.</summary>
    public static Markup Page(HttpContext http, string title, Markup main)
    {
        var user = http.User;
        var signedIn = user.Identity?.IsAuthenticated == true && user.Identity.AuthenticationType == DashboardAuthentication.Scheme;
        var nav = signedIn
            ? Html($"""
                <nav aria-label="Main"><ul>
                <li><a href="{DashboardPaths.Root}">Fleet overview</a></li>
                <li><a href="{DashboardPaths.Policy}">Policy</a></li>
                <li><a href="{DashboardPaths.Attestations}">Attestations</a></li>
                <li><a href="{DashboardPaths.Alerts}">Alerts</a></li>
                {If(DashboardAuthentication.Has(user, Roles.Auditor), Html($"<li><a href=\"{DashboardPaths.Export}\">Export evidence</a></li><li><a href=\"{DashboardPaths.Audit}\">Audit log</a></li>"))}
                {If(DashboardAuthentication.Has(user, Roles.Admin), Html($"<li><a href=\"{DashboardPaths.Waivers}\">Waivers</a></li><li><a href=\"{DashboardPaths.ApiTokens}\">API tokens</a></li>"))}
                </ul>
                <form method="post" action="{DashboardPaths.SignOut}" class="session">{AntiforgeryField(http)}
                <span>{user.Identity!.Name} ({string.Join(", ", Roles.All.Where(user.IsInRole))})</span> <button type="submit">Sign out</button></form>
                </nav>
                """)
            : Empty;
        return Html($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title} — WeightGuard</title>
            <link rel="icon" href="{DashboardPaths.Favicon}" type="image/svg+xml">
            <link rel="stylesheet" href="{DashboardPaths.Stylesheet}">
            <link rel="stylesheet" href="{DashboardPaths.PrintStylesheet}" media="print">
            </head>
            <body>
            <header><p class="brand"><a href="{DashboardPaths.Root}">WeightGuard</a></p>{nav}<p class="printed">Printed {http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow():yyyy-MM-dd HH:mm} UTC</p></header>
            <main id="main">
            {main}
            </main>
            <footer><p>WeightGuard aggregator. Verdicts are the aggregator's own re-evaluation of each host's evidence.</p></footer>
            </body>
            </html>
            """);
    }

    /// <summary>The hidden antiforgery field every form carries.</summary>
    public static Markup AntiforgeryField(HttpContext http)
    {
        var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        return Html($"<input type=\"hidden\" name=\"{tokens.FormFieldName}\" value=\"{tokens.RequestToken}\">");
    }
}
