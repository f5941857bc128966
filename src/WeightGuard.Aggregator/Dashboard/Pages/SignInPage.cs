using static WeightGuard.Aggregator.Dashboard.Markup;

namespace WeightGuard.Aggregator.Dashboard.Pages;

/// <summary>The sign-in form: an API token (the one people use with the API), never echoed back.</summary>
public static class SignInPage
{
    /// <summary>The form, with <paramref name="error"/> above it when the last attempt failed.</summary>
    public static Markup Render(HttpContext http, string? returnUrl, string? error) => Layout.Page(http, "Sign in", Html($"""
        <h1>Sign in</h1>
        {If(error is not null, Html($"<p class=\"error\" role=\"alert\">{error}</p>"))}
        <form method="post" action="{DashboardPaths.SignIn}" class="sign-in">
        {Layout.AntiforgeryField(http)}
        <input type="hidden" name="returnUrl" value="{(DashboardPaths.IsLocal(returnUrl) ? returnUrl : DashboardPaths.Root)}">
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autocomplete="off" required maxlength="200">
        <p class="hint">An API token from <code>weightguard-aggregator api-tokens create</code> or an admin. It is checked, not kept: the session cookie holds only your name and role.</p>
        <button type="submit">Sign in</button>
        </form>
        """));
}
