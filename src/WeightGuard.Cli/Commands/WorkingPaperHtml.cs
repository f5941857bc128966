using System.Text.Encodings.Web;
using WeightGuard.Evidence;

namespace WeightGuard.Cli.Commands;

/// <summary>
/// The working paper as one self-contained HTML page (no scripts, no external resources) that prints cleanly on A4: the
/// verdict and its basis first, then checks, hosts and reports, flags and problems; tables repeat their headings on every
/// printed page and rows are never split.
/// </summary>
internal static class WorkingPaperHtml
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    private const string Style = """
        body { font: 10.5pt/1.4 system-ui, sans-serif; color: #111; margin: 2em; }
        h1 { font-size: 16pt; margin: 0 0 .3em; } h2 { font-size: 12.5pt; margin: 1.4em 0 .4em; border-bottom: 1px solid #999; }
        .verdict { font-size: 13pt; font-weight: 600; padding: .4em .6em; border: 2px solid; display: inline-block; }
        .ok { color: #05591f; } .bad { color: #9b1111; } .muted { color: #555; }
        table { border-collapse: collapse; width: 100%; margin: .3em 0; } th, td { border: 1px solid #bbb; padding: 2px 5px; text-align: left; vertical-align: top; }
        th { background: #eee; } td.mono, .mono { font-family: ui-monospace, monospace; font-size: 8.5pt; overflow-wrap: anywhere; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: .15em 1em; } dt { font-weight: 600; } dd { margin: 0; overflow-wrap: anywhere; }
        @page { size: A4; margin: 15mm 12mm; }
        @media print {
          body { margin: 0; font-size: 9pt; } thead { display: table-header-group; } tr, dl, .verdict { break-inside: avoid; }
          h2 { break-after: avoid; } a { color: inherit; text-decoration: none; }
        }
        """;

    /// <summary>Writes <paramref name="paper"/>.</summary>
    public static void Write(WorkingPaper paper, TextWriter o)
    {
        o.WriteLine($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Evidence verification — {E(paper.Bundle)}</title><style>{Style}</style></head><body>
            <h1>Evidence bundle verification — working paper</h1>
            <p class="verdict {(paper.Verified ? "ok" : "bad")}">{(paper.Verified ? "VERIFIED: every check holds" : $"FAILED: {paper.Problems.Count} problem(s)" + (paper.Problems.Count == 0 ? ", signer not anchored (no --trust)" : ""))}</p>
            <dl>
            <dt>Bundle</dt><dd class="mono">{E(paper.Bundle)}</dd>
            <dt>Verified</dt><dd>{WorkingPaperText.Time(paper.VerifiedAt)} by {E(paper.Tool)}</dd>
            """);
        if (paper.Manifest is { } m)
        {
            o.WriteLine($"<dt>Export</dt><dd>{E(m.Schema)}, created {WorkingPaperText.Time(m.CreatedAt)} by {E(m.Producer)}; {m.Files} files listed</dd>");
            o.WriteLine($"<dt>Previous export</dt><dd class=\"mono\">{(m.PreviousManifestSha256 is { } p ? $"manifest.json SHA-256 {E(p)}" : "none (first export)")}</dd>");
        }
        if (paper.Previous is { } chain)
            o.WriteLine($"<dt>Export chain</dt><dd class=\"{(chain.Holds ? "ok" : "bad")}\">{E(chain.PreviousBundle)}: {(chain.Holds ? "holds" : "does not hold")} — {E(chain.Detail)}</dd>");
        if (paper.Signer is { } s)
        {
            var anchor = paper.Trust is null ? "not anchored: no trust anchor given"
                : s.Anchored is null ? "chain not checked: the signature itself does not verify"
                : s.Anchored == true ? $"anchored in {paper.Trust.Subject}" : $"NOT anchored in {paper.Trust.Subject}";
            o.WriteLine($"<dt>Signer</dt><dd>{E(s.Subject)}<br><span class=\"mono\">SHA-256 {E(s.Sha256Fingerprint)}</span><br>" +
                        $"{(s.SignatureVerified == true ? "signature verifies over manifest.json" : "signature does NOT verify over manifest.json")}; {E(anchor)}</dd>");
        }
        if (paper.Trust is { } t)
            o.WriteLine($"<dt>Trust anchor</dt><dd>{E(t.Subject)}<br><span class=\"mono\">SHA-256 {E(t.Sha256Fingerprint)}</span></dd>");
        var c = paper.Counts;
        o.WriteLine($"<dt>Covered</dt><dd>{c.Hosts} host(s) ({c.HostsWithTpm} with a TPM), {c.Reports} report(s), {c.QuotesVerified} quote(s) verified, " +
                    $"{c.VerdictsReproduced} verdict set(s) re-derived, {c.AuditRows} audit row(s)</dd>");
        o.WriteLine($"<dt>Event logs</dt><dd>{E(c.DescribeEventLogs())}</dd></dl>");

        o.WriteLine("<h2>Checks performed</h2><table><thead><tr><th>Check</th><th>Outcome</th><th>Detail</th></tr></thead><tbody>");
        foreach (var check in paper.Checks)
            o.WriteLine($"<tr><td>{E(check.Name)}</td><td class=\"{(check.Outcome == CheckOutcome.Failed ? "bad" : check.Outcome == CheckOutcome.Passed ? "ok" : "muted")}\">{E(check.Outcome)}</td><td>{E(check.Detail)}</td></tr>");
        o.WriteLine("</tbody></table>");

        o.WriteLine("<h2>Hosts and reports</h2><table><thead><tr><th>Host</th><th>Report</th><th>Finished</th><th>Quote</th><th>Event log</th><th>Verdicts</th><th>Counts per profile</th></tr></thead><tbody>");
        foreach (var host in paper.Hosts)
        {
            var name = $"{E(host.Name ?? "(host.json unreadable)")}<br><span class=\"mono muted\">{E(host.AgentId)}</span>";
            if (host.Reports.Count == 0) o.WriteLine($"<tr><td>{name}</td><td colspan=\"6\" class=\"muted\">no reports in this export</td></tr>");
            foreach (var r in host.Reports)
                o.WriteLine($"<tr><td>{name}</td><td class=\"mono\">{E(r.ReportId)}</td><td>{(r.FinishedAt is { } at ? WorkingPaperText.Time(at) : "")}</td>" +
                            $"<td>{E(r.Quote)}</td><td>{E(r.EventLog)}</td><td>{E(r.Verdicts)}</td><td>{string.Join("<br>", (r.Profiles ?? []).Select(p =>
                                $"{E(p.Profile)}: {p.Pass} pass, {p.Fail} fail, {p.Error} error, {p.Waived} waived, {p.Manual} manual, {p.Attested} attested"))}</td></tr>");
        }
        o.WriteLine("</tbody></table>");
        Items(o, "Flagged by the aggregator (not problems)", paper.Flags);
        Items(o, "Problems", paper.Problems);
        o.WriteLine("</body></html>");
    }

    private static void Items(TextWriter o, string title, IReadOnlyList<WorkingPaperItem> items)
    {
        if (items.Count == 0) return;
        o.WriteLine($"<h2>{title}</h2><table><thead><tr><th>Host</th><th>File</th><th>What</th></tr></thead><tbody>");
        foreach (var item in items)
            o.WriteLine($"<tr><td>{E(item.Host ?? item.AgentId ?? "")}</td><td class=\"mono\">{E(item.File)}</td><td>{E(Cut(item.Text))}</td></tr>");
        o.WriteLine("</tbody></table>");
    }

    private static string Cut(string text) => text.Length <= 400 ? text : text[..400] + "…";

    private static string E(string text) => Html.Encode(text);
}
