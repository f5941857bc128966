using WeightGuard.Aggregator.Storage;
using WeightGuard.Aggregator.Waivers;
using WeightGuard.Core.Catalog;
using static WeightGuard.Aggregator.Dashboard.Markup;

namespace WeightGuard.Aggregator.Dashboard.Pages;

/// <summary>
/// The waivers the aggregator judges with (admin): the catalogue's, read-only, and the stored ones, which admins add with
/// the form and withdraw here (a withdrawn waiver still explains the reports judged while it stood).
/// </summary>
public static class WaiversPage
{
    /// <summary>What the form held when it was refused, so nothing typed is lost.</summary>
    /// <param name="ControlId">The control chosen.</param>
    /// <param name="Hosts">The host glob.</param>
    /// <param name="Justification">The justification.</param>
    /// <param name="Expires">The last valid day, as typed.</param>
    public sealed record Draft(string ControlId, string Hosts, string Justification, string Expires);

    /// <summary>
    /// Renders both lists and the form, expired waivers marked, with <paramref name="error"/> above the form and the form
    /// filled with <paramref name="draft"/> when the last one was refused.
    /// </summary>
    public static Markup Render(HttpContext http, Catalog catalog, IReadOnlyList<StoredWaiver> stored, DateTimeOffset now, string? error, Draft? draft) =>
        Layout.Page(http, "Waivers", Html($"""
        <h1>Waivers</h1>
        <p>A waived failure is an accepted risk: the host's state does not count it as failing, but no RAND level counts it as met. An expired waiver is ignored. Adding or withdrawing one judges every host's latest report again at once.</p>
        <table><caption>{stored.Count(w => w.WithdrawnAt is null)} stored waiver(s), added here</caption>
        <thead><tr>{Headings}<th scope="col"></th></tr></thead>
        <tbody>{Join(stored.Where(w => w.WithdrawnAt is null).Select(w => Html($"""<tr>{Cells(w.ToWaiver(), now)}<td><form method="post" action="{DashboardPaths.Waivers}/{w.WaiverId}/delete" class="inline">{Layout.AntiforgeryField(http)}<button type="submit">Withdraw</button></form></td></tr>""")))}</tbody></table>
        <h2>Add a waiver</h2>
        {If(error is not null, Html($"<p class=\"error\" role=\"alert\">{error}</p>"))}
        <form method="post" action="{DashboardPaths.Waivers}" class="export">{Layout.AntiforgeryField(http)}
        <div><label for="controlId">Control</label> <select id="controlId" name="controlId">{Join(catalog.Controls.Values.OrderBy(c => c.Id, StringComparer.Ordinal).Select(c => Html($"<option value=\"{c.Id}\"{(c.Id == draft?.ControlId ? Html($" selected") : Empty)}>{c.Id}: {c.Title}</option>")))}</select></div>
        <div><label for="hosts">Hosts (glob with * and ? on the enrolled name)</label> <input id="hosts" name="hosts" required maxlength="{WaiverRequest.MaxHostsLength}" value="{draft?.Hosts}"></div>
        <div><label for="justification">Justification</label> <textarea id="justification" name="justification" required maxlength="{WaiverRequest.MaxJustificationLength}">{draft?.Justification}</textarea></div>
        <div><label for="expires">Expires: last valid day (UTC, after today)</label> <input id="expires" name="expires" type="date" required value="{draft?.Expires}"></div>
        <button type="submit">Add the waiver</button>
        </form>
        <table><caption>{catalog.Waivers.Count} catalogue waiver(s), read-only (<code>serve --catalog DIR</code>, file <code>waivers/*.yaml</code>)</caption>
        <thead><tr>{Headings}</tr></thead>
        <tbody>{Join(catalog.Waivers.Select(w => Html($"<tr>{Cells(w, now)}</tr>")))}</tbody></table>
        """));

    private static Markup Headings => Html($"""<th scope="col">Control</th><th scope="col">Hosts</th><th scope="col">Justification</th><th scope="col">Approver</th><th scope="col">Expires: last valid day</th>""");

    private static Markup Cells(Waiver w, DateTimeOffset now) =>
        Html($"<td><a href=\"{DashboardPaths.Control(w.ControlId)}\">{w.ControlId}</a></td><td><code>{w.HostPattern}</code></td><td>{w.Justification}</td><td>{w.Approver}</td><td>{w.Expires:yyyy-MM-dd}{(w.IsExpired(now) ? " (expired)" : "")}</td>");
}
