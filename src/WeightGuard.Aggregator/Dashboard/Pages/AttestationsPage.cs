using WeightGuard.Aggregator.Api;
using WeightGuard.Core.Catalog;
using static WeightGuard.Aggregator.Dashboard.Markup;

namespace WeightGuard.Aggregator.Dashboard.Pages;

/// <summary>
/// Manual attestations: people's statements that manual controls hold on some hosts (every viewer reads them); auditors
/// and admins record and withdraw them here.
/// </summary>
public static class AttestationsPage
{
    /// <summary>What the form held when it was refused, so nothing typed is lost.</summary>
    /// <param name="ControlId">The control chosen.</param>
    /// <param name="Hosts">The host glob.</param>
    /// <param name="Labels">The labels, as typed (<c>key=value, …</c>).</param>
    /// <param name="Statement">The statement.</param>
    /// <param name="EvidenceRef">The evidence reference.</param>
    /// <param name="Expires">The expiry.</param>
    public sealed record Draft(string? ControlId, string? Hosts, string? Labels, string? Statement, string? EvidenceRef, string? Expires);

    /// <summary>Renders the list and, for auditors and admins, the form; <paramref name="error"/> explains a refused one.</summary>
    public static Markup Render(HttpContext http, Catalog catalog, IReadOnlyList<AttestationView> attestations, Draft? draft, string? error)
    {
        var canAttest = DashboardAuthentication.Has(http.User, Roles.Auditor);
        var manual = catalog.Controls.Values.Where(c => c.Check.Kind == "manual").OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
        return Layout.Page(http, "Attestations", Html($"""
            <h1>Manual attestations</h1>
            <p>A manual control cannot be observed on a host; a person attests that it holds. While an attestation is in force the control is <span class="status attested">attested</span> on the hosts it covers (never <em>pass</em>), and the host's attested RAND level can rise to its host-controls-met level.</p>
            <table><caption>{attestations.Count} attestation(s), newest last</caption>
            <thead><tr><th scope="col">Control</th><th scope="col">Hosts</th><th scope="col">Statement</th><th scope="col">Evidence</th><th scope="col">Attestor</th><th scope="col">Recorded (UTC)</th><th scope="col">Expires (UTC)</th><th scope="col">Status</th>{If(canAttest, Html($"<th scope=\"col\"></th>"))}</tr></thead>
            <tbody>{Join(attestations.Select(v => Html($"""<tr><td><a href="{DashboardPaths.Control(v.Attestation.ControlId)}">{v.Attestation.ControlId}</a></td><td>{v.Attestation.ToAttestation().Hosts.ToString()}</td><td>{v.Attestation.Statement}</td><td>{v.Attestation.EvidenceRef}</td><td>{v.Attestation.Attestor}</td><td>{v.Attestation.RecordedAt:yyyy-MM-dd HH:mm}</td><td>{v.Attestation.Expires:yyyy-MM-dd HH:mm}</td><td>{v.Status}</td>{If(canAttest && v.Status == "in-force", Html($"""<td><form method="post" action="{DashboardPaths.Attestations}/{v.Attestation.AttestationId}/withdraw" class="inline">{Layout.AntiforgeryField(http)}<button type="submit">Withdraw</button></form></td>"""))}</tr>""")))}</tbody></table>
            {If(canAttest, Html($"""
                <h2>Record an attestation</h2>
                {If(error is not null, Html($"<p class=\"error\" role=\"alert\">{error}</p>"))}
                <form method="post" action="{DashboardPaths.Attestations}" class="export">{Layout.AntiforgeryField(http)}
                <div><label for="controlId">Manual control</label> <select id="controlId" name="controlId">{Join(manual.Select(c => Html($"<option value=\"{c.Id}\"{(c.Id == draft?.ControlId ? Html($" selected") : Empty)}>{c.Id}: {c.Title}</option>")))}</select></div>
                <div><label for="hosts">Hosts (glob on the enrolled name)</label> <input id="hosts" name="hosts" maxlength="253" value="{draft?.Hosts}"></div>
                <div><label for="labels">Labels (key=value, comma-separated)</label> <input id="labels" name="labels" maxlength="1000" value="{draft?.Labels}"></div>
                <div><label for="statement">Statement</label> <textarea id="statement" name="statement" required maxlength="{CatalogLoader.MaxStatementLength}">{draft?.Statement}</textarea></div>
                <div><label for="evidenceRef">Evidence (https:// URL or sha256:…)</label> <input id="evidenceRef" name="evidenceRef" maxlength="2048" value="{draft?.EvidenceRef}"></div>
                <div><label for="expires">Expires (UTC: a day, in force through it, or a timestamp)</label> <input id="expires" name="expires" required value="{draft?.Expires}"></div>
                <button type="submit">Record the attestation</button>
                </form>
                """))}
            """));
    }
}
