using WeightGuard.Evidence;
using static WeightGuard.Aggregator.Dashboard.Markup;

namespace WeightGuard.Aggregator.Dashboard.Pages;

/// <summary>What the export page shows besides the form: the trust anchor an auditor verifies with, and the exports made so far.</summary>
/// <param name="CaSubject">The aggregator CA's subject.</param>
/// <param name="CaFingerprint">SHA-256 of the CA certificate (<c>AB:CD:…</c>), to compare with <c>evidence verify</c>'s "Trust" line.</param>
/// <param name="PastExports">The newest exports from the audit log, newest first.</param>
public sealed record ExportPageModel(string CaSubject, string CaFingerprint, IReadOnlyList<AuditEntry> PastExports);

/// <summary>
/// The auditor's export form (which hosts, by name, glob, label, profile or agent id, and since when; the answer is the signed
/// bundle as a download), the CA certificate to verify it with and its fingerprint, and the exports made so far.
/// </summary>
public static class ExportPage
{
    /// <summary>Past exports listed.</summary>
    public const int PastExports = 20;

    /// <summary>The form, with <paramref name="error"/> above it when the last request was refused, and what was typed kept.</summary>
    public static Markup Render(HttpContext http, ExportPageModel model, string? error, string? hosts = null, string? since = null) => Layout.Page(http, "Export evidence", Html($"""
        <h1>Export evidence</h1>
        <p>Downloads a signed <code>weightguard.bundle/v1</code> zip: the catalogue, every host's keys, every report as submitted with its quote
        and event log, the aggregator's verdicts, the findings as CSV and OCSF, and the audit log. Verify it offline with
        <code>weightguard evidence verify BUNDLE --trust ca.crt [--previous PRIOR_BUNDLE] [--format text|json|html]</code>.</p>
        <h2>Trust anchor</h2>
        <p><a href="{DashboardPaths.ExportCaCertificate}" download="ca.crt">Download the aggregator's CA certificate (ca.crt)</a>: {model.CaSubject}<br>
        SHA-256 fingerprint <code class="fingerprint">{model.CaFingerprint}</code> — compare it with the fingerprint you were given out of band,
        and with the <em>Trust</em> line of the working paper.</p>
        <h2>New export</h2>
        {If(error is not null, Html($"<p class=\"error\" role=\"alert\">{error}</p>"))}
        <form method="post" action="{DashboardPaths.Export}" class="export">{Layout.AntiforgeryField(http)}
        <div><label for="hosts">Hosts: enrolled names, globs (<code>gpu-train-*</code>), labels (<code>role=inference</code>), <code>profile=ID</code> or agent ids, comma-separated; empty for every host</label>
        <input id="hosts" name="hosts" maxlength="100000" value="{hosts ?? ""}"></div>
        <div><label for="since">Reports received since (UTC date, empty for all)</label> <input id="since" name="since" type="date" value="{since ?? ""}"></div>
        <button type="submit">Download the bundle</button>
        </form>
        <h2>Past exports</h2>
        {(model.PastExports.Count == 0 ? Html($"<p>No export has been made yet.</p>") : Html($"""
        <table><caption>The newest {model.PastExports.Count}, from the audit log; each bundle's manifest names the one before it</caption>
        <thead><tr><th scope="col">When (UTC)</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Manifest SHA-256</th></tr></thead>
        <tbody>{Join(model.PastExports.Select(e => Html($"<tr><td>{e.At:yyyy-MM-dd HH:mm:ss}</td><td>{e.Actor}</td><td>{e.Details}</td><td><code class=\"fingerprint\">{e.Target}</code></td></tr>")))}</tbody></table>
        """))}
        """));
}
