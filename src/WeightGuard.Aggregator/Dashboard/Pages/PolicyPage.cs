using WeightGuard.Aggregator.Api;
using WeightGuard.Core.Catalog;
using static WeightGuard.Aggregator.Dashboard.Markup;

namespace WeightGuard.Aggregator.Dashboard.Pages;

/// <summary>
/// The fleet policy: which profiles each host is judged against and when a silent host turns stale, as applied (every
/// viewer); admins edit its YAML here, as they would apply it with <c>weightguard-aggregator policy apply</c>.
/// </summary>
public static class PolicyPage
{
    /// <summary>Renders the policy; <paramref name="draft"/> and <paramref name="error"/> keep a refused edit on screen.</summary>
    public static Markup Render(HttpContext http, PolicyView policy, string? draft, string? error) => Layout.Page(http, "Fleet policy", Html($"""
        <h1>Fleet policy</h1>
        <p>Every host is judged against every profile an assignment covering it names (by its enrolled name and labels). A host no assignment covers is judged against <strong>{policy.UnassignedProfile}</strong> and shown as unassigned. A host with no accepted report for {TimeSpan.FromSeconds(policy.StaleAfter)} is <span class="state stale">stale</span>.
        {(policy.UpdatedAt is { } at ? $"Applied by {policy.UpdatedBy} on {at:yyyy-MM-dd HH:mm} UTC." : "No policy has been applied yet: this is the default.")}</p>
        <table><caption>Assignments, in order</caption>
        <thead><tr><th scope="col">Hosts</th><th scope="col">Labels</th><th scope="col">Profiles</th></tr></thead>
        <tbody>{Join(policy.Assignments.Select(a => Html($"<tr><td><code>{a.Hosts ?? "*"}</code></td><td>{string.Join(", ", a.Labels.Select(l => $"{l.Key}={l.Value}"))}</td><td>{string.Join(", ", a.Profiles)}</td></tr>")))}</tbody></table>
        {If(DashboardAuthentication.Has(http.User, Roles.Admin), Html($"""
            <h2>Edit the policy</h2>
            {If(error is not null, Html($"<pre class=\"error\" role=\"alert\">{error}</pre>"))}
            <form method="post" action="{DashboardPaths.Policy}" class="export">{Layout.AntiforgeryField(http)}
            <div><label for="policy">Policy (YAML)</label> <textarea id="policy" name="policy" rows="14" cols="80" required>{draft ?? policy.Text}</textarea></div>
            <button type="submit">Apply the policy (re-judges every host)</button>
            </form>
            """))}
        {If(!DashboardAuthentication.Has(http.User, Roles.Admin), Html($"<h2>As written</h2><pre>{policy.Text}</pre>"))}
        """));
}
