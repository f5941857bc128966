using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Checks.Kinds;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Reports;

namespace WeightGuard.Reporting;

/// <summary>
/// A self-contained HTML report for security leads, in the order they read it: the verdict (RAND standing and counts),
/// then what needs action (failures with their remediation, controls that could not be checked with the steps that let
/// WeightGuard check them), then every other finding, each with its framework clauses and the evidence behind it, and
/// last the results per framework clause. No scripts, no external assets; prints cleanly.
/// </summary>
public sealed class HtmlReportWriter : IReportWriter
{
    private const int MaxEvidenceChars = 4000;
    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    /// <inheritdoc />
    public string Format => "html";

    /// <inheritdoc />
    public void Write(Report report, Stream output)
    {
        using var doc = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(report, WeightGuardJsonContext.Default.Report));
        var s = new StringBuilder();
        var h = report.Host;
        s.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">");
        s.Append("<title>WeightGuard report: ").Append(E(h.Hostname)).Append("</title><style>").Append(Style).Append("</style></head><body>");
        s.Append("<header><h1>WeightGuard compliance report</h1><p class=\"host\">").Append(E(h.Hostname)).Append(" · ").Append(E(h.Os))
         .Append(" · kernel ").Append(E(h.Kernel)).Append("</p><p>Profile <strong>").Append(E(report.Profile.Title)).Append("</strong> (")
         .Append(E(report.Profile.Id)).Append(") · scanned ").Append(E(report.FinishedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)))
         .Append(" · WeightGuard ").Append(E(report.Agent.Version)).Append("</p></header><main>");

        var sum = report.Summary;
        s.Append("<section aria-labelledby=\"summary\"><h2 id=\"summary\">Verdict</h2><p class=\"level\"><strong>")
         .Append(E(sum.Rand.ToString())).Append("</strong></p><ul class=\"counts\">");
        foreach (var (label, n, css) in new[] { ("fail", sum.Fail, "fail"), ("error", sum.Error, "error"), ("pass", sum.Pass, "pass"),
                     ("waived", sum.Waived, "waived"), ("attested", sum.Attested, "attested"), ("manual, not attested", sum.Manual, "manual"),
                     ("not applicable", sum.NotApplicable, "na") })
            s.Append("<li class=\"").Append(css).Append("\"><span>").Append(n).Append("</span> ").Append(label).Append("</li>");
        s.Append("</ul></section>");

        var ordered = report.Results.OrderBy(r => Rank(r.Status)).ThenByDescending(r => r.Severity).ThenBy(r => r.ControlId, StringComparer.Ordinal).ToList();
        var action = ordered.Where(r => r.Status is ControlStatus.Fail or ControlStatus.Error).ToList();
        s.Append("<section aria-labelledby=\"action\"><h2 id=\"action\">Needs action</h2>");
        if (action.Count == 0) s.Append("<p>Nothing failed and every control could be checked.</p>");
        foreach (var r in action) Finding(s, r, doc.RootElement);
        s.Append("</section><section aria-labelledby=\"findings\"><h2 id=\"findings\">Other findings</h2>");
        foreach (var r in ordered.Except(action)) Finding(s, r, doc.RootElement);
        s.Append("</section><section aria-labelledby=\"clauses\"><h2 id=\"clauses\">Results by framework clause</h2>");
        FrameworkTable(s, report);
        s.Append("</section></main><footer>Report ").Append(E(report.ReportId.ToString())).Append(" · profile digest ")
         .Append(E(report.Profile.Digest)).Append("</footer></body></html>\n");
        output.Write(Encoding.UTF8.GetBytes(s.ToString()));
    }

    private static void FrameworkTable(StringBuilder s, Report report)
    {
        s.Append("<table><caption>How many controls answering each clause passed, failed or could not be checked</caption><thead><tr><th scope=\"col\">Framework</th><th scope=\"col\">Clause</th>")
         .Append("<th scope=\"col\">Pass</th><th scope=\"col\">Fail</th><th scope=\"col\">Error</th><th scope=\"col\">Other</th></tr></thead><tbody>");
        var rows = report.Results
            .SelectMany(r => r.References.SelectMany(kv => kv.Value.Select(clause => (Framework: kv.Key, Clause: clause, r.Status))))
            .GroupBy(x => (x.Framework, x.Clause))
            .OrderBy(g => g.Key.Framework, StringComparer.Ordinal).ThenBy(g => g.Key.Clause, StringComparer.Ordinal);
        foreach (var g in rows)
        {
            int Count(params ControlStatus[] st) => g.Count(x => st.Contains(x.Status));
            s.Append("<tr><td>").Append(E(g.Key.Framework)).Append("</td><td>").Append(E(g.Key.Clause)).Append("</td><td>")
             .Append(Count(ControlStatus.Pass)).Append("</td><td>").Append(Count(ControlStatus.Fail)).Append("</td><td>")
             .Append(Count(ControlStatus.Error)).Append("</td><td>").Append(Count(ControlStatus.Waived, ControlStatus.Manual, ControlStatus.Attested, ControlStatus.NotApplicable))
             .Append("</td></tr>");
        }
        s.Append("</tbody></table>");
    }

    private static void Finding(StringBuilder s, ControlResult r, JsonElement report)
    {
        var status = Statuses.Name(r.Status);
        s.Append("<article class=\"finding ").Append(status).Append("\"><h3><span class=\"badge\">").Append(status).Append("</span> ")
         .Append(E(r.ControlId)).Append(" — ").Append(E(r.Title)).Append("</h3><p class=\"meta\">Severity ").Append(r.Severity.ToString().ToLowerInvariant());
        if (r.Revision is { } revision) s.Append(" · revision ").Append(revision);
        s.Append("</p><p class=\"message\">").Append(E(r.Message)).Append("</p>");
        if (r.Waiver is { } w)
            s.Append("<p class=\"waiver\">Waiver by ").Append(E(w.Approver)).Append(w.Expired ? ", expired " : ", valid until ")
             .Append(w.Expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(": ").Append(E(w.Justification)).Append("</p>");
        if (FindingText.NextStep(r) is var (label, step))
            s.Append("<p class=\"remediation\"><strong>").Append(E(label)).Append(":</strong> ").Append(E(step)).Append("</p>");
        // each clause names its document version, place and mapping status (direct, partial, derived)
        var clauses = FindingText.Clauses(r).ToList();
        if (clauses.Count > 0)
        {
            s.Append("<div class=\"clauses\"><strong>Framework clauses:</strong><ul>");
            foreach (var clause in clauses) s.Append("<li>").Append(E(clause)).Append("</li>");
            s.Append("</ul></div>");
        }
        if (r.Evidence.Count > 0)
        {
            s.Append("<details><summary>Evidence</summary>");
            foreach (var pointer in r.Evidence.Take(10))
            {
                var value = EvidenceFactCheck.Resolve(report, pointer);
                var text = value is null ? "(not present)" : JsonSerializer.Serialize(value.Value, JsonElementContext.Default.JsonElement);
                if (text.Length > MaxEvidenceChars) text = text[..MaxEvidenceChars] + "\n… (truncated; see the JSON report)";
                s.Append("<p class=\"pointer\">").Append(E(pointer)).Append("</p><pre>").Append(E(text)).Append("</pre>");
            }
            s.Append("</details>");
        }
        s.Append("</article>");
    }

    private static int Rank(ControlStatus status) => status switch
    {
        ControlStatus.Fail => 0, ControlStatus.Error => 1, ControlStatus.Waived => 2, ControlStatus.Manual => 3, ControlStatus.Attested => 4, ControlStatus.Pass => 5, _ => 6,
    };

    private static string E(string text) => Html.Encode(text);

    private const string Style = """
        body{font:15px/1.5 system-ui,sans-serif;color:#1a1a1a;max-width:70rem;margin:0 auto;padding:1rem 2rem}
        h1{font-size:1.6rem;margin-bottom:.2rem}.host{font-size:1.1rem;margin:0}
        .level{font-size:1.3rem}.counts{display:flex;gap:1rem;list-style:none;padding:0;flex-wrap:wrap}
        .counts li{border:1px solid #888;border-radius:6px;padding:.3rem .8rem}.counts span{font-weight:700;font-size:1.2rem}
        table{border-collapse:collapse;margin:1rem 0;width:100%}caption{text-align:left;font-weight:600}
        th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left}th{background:#eee}
        .finding{border-left:6px solid #888;padding:.2rem 1rem;margin:1rem 0;background:#fafafa;break-inside:avoid}
        .finding h3{font-size:1.05rem;margin:.4rem 0}.meta{color:#444;font-size:.9rem;margin:0}
        .badge{display:inline-block;min-width:6.5rem;text-align:center;border-radius:4px;padding:0 .4rem;color:#fff;background:#555;font-size:.85rem}
        .fail{border-color:#b00020}.fail .badge{background:#b00020}.error{border-color:#8a4b00}.error .badge{background:#8a4b00}
        .pass{border-color:#1b6e20}.pass .badge{background:#1b6e20}.waived .badge,.manual .badge,.attested .badge{background:#3d4f8a}
        .not-applicable .badge{background:#555}.clauses ul{margin:.2rem 0;font-size:.9rem}.remediation{background:#fff7e0;padding:.4rem}.waiver{font-style:italic}
        pre{background:#f0f0f0;padding:.5rem;overflow-x:auto;font-size:.8rem;white-space:pre-wrap}.pointer{font-family:monospace;margin:.3rem 0 0}
        footer{color:#555;font-size:.8rem;margin-top:2rem}
        @media print{details{display:block}details>*{display:block}.finding{background:none}}
        """;
}

/// <summary>Serialises raw JSON elements indented (source-generated, NativeAOT-safe).</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(JsonElement))]
internal sealed partial class JsonElementContext : System.Text.Json.Serialization.JsonSerializerContext;
