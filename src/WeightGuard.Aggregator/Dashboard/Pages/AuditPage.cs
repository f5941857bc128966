using WeightGuard.Evidence;
using static WeightGuard.Aggregator.Dashboard.Markup;

namespace WeightGuard.Aggregator.Dashboard.Pages;

/// <summary>The audit log (auditor): privileged actions, newest first, a page at a time; each row shows its place in the hash chain.</summary>
public static class AuditPage
{
    /// <summary>Rows per page.</summary>
    public const int PageSize = 100;

    /// <summary>Renders <paramref name="rows"/> (newest first) with a link to the older ones when there are more.</summary>
    public static Markup Render(HttpContext http, IReadOnlyList<AuditEntry> rows) => Layout.Page(http, "Audit log", Html($"""
        <h1>Audit log</h1>
        <p>Every privileged action: tokens issued and revoked, agents enrolled and revoked, waivers, baselines, labels, exports. Rows are only ever appended; each carries the SHA-256 of the row before, and evidence bundles carry the whole chain for <code>weightguard evidence verify</code> to check.</p>
        <table><caption>{rows.Count} row(s), newest first</caption>
        <thead><tr><th scope="col">#</th><th scope="col">When (UTC)</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">Details</th><th scope="col">From</th><th scope="col">SHA-256</th></tr></thead>
        <tbody>{Join(rows.Select(r => Html($"<tr><td>{r.Seq}</td><td>{r.At:yyyy-MM-dd HH:mm:ss}</td><td>{r.Actor}</td><td>{r.Action}</td><td>{r.Target}</td><td>{r.Details}</td><td>{r.Source}</td><td><code>{r.Sha256[..16]}…</code></td></tr>")))}</tbody></table>
        {If(rows.Count == PageSize && rows[^1].Seq > 1, Html($"<p><a href=\"{DashboardPaths.With(DashboardPaths.Audit, ("before", rows.Count == 0 ? 0 : rows[^1].Seq))}\">Older rows</a></p>"))}
        """));
}
