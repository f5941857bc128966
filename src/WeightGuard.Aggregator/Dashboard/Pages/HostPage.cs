using System.Text.Json;
using WeightGuard.Aggregator.Api;
using WeightGuard.Aggregator.Judgement;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Checks.Kinds;
using WeightGuard.Core.Reports;
using WeightGuard.Reporting;
using static WeightGuard.Aggregator.Dashboard.Markup;

namespace WeightGuard.Aggregator.Dashboard.Pages;

/// <summary>What the host page shows, loaded by the endpoint.</summary>
/// <param name="Host">The host as every page shows it (state, assessments, RAND standing).</param>
/// <param name="Detail">Its recent reports and refusals.</param>
/// <param name="Results">The fleet judgement of its latest report per profile (messages, evidence, remediation); null without a report.</param>
/// <param name="Evidence">The latest report's JSON, which the results' evidence pointers point into.</param>
/// <param name="Baseline">The PCR baseline, or null without a verified quote.</param>
/// <param name="Quote">The latest verified quote against the baseline, or null without one.</param>
public sealed record HostPageModel(HostView Host, HostDetail Detail, IReadOnlyDictionary<string, Core.Evaluation.Evaluation>? Results, JsonElement? Evidence,
    PcrBaseline? Baseline, QuoteAgainstBaseline? Quote);

/// <summary>
/// One host: every control with its status, evidence and remediation; attestation and the time of the last verified
/// quote; the attestation panel (PCR drift against the baseline); its recent reports, each linking to its own page;
/// labels, re-baselining and revocation for admins.
/// </summary>
public static class HostPage
{
    private const int MaxEvidenceChars = 2000;

    /// <summary>Renders the page.</summary>
    public static Markup Render(HttpContext http, HostPageModel model)
    {
        var host = model.Host;
        var latest = host.LatestReport;
        var lastVerified = model.Detail.History.FirstOrDefault(r => r.Attestation == "verified");
        var admin = DashboardAuthentication.Has(http.User, Roles.Admin);
        return Layout.Page(http, host.Name, Html($"""
            <h1>{host.Name}{OverviewPage.Flags(host)}</h1>
            <dl class="facts">
            <dt>State</dt><dd><span class="state {host.State}">{host.State}</span>{StateReason(host)}{If(host.Unassigned, Html($" (no policy assignment covers this host: judged against {Core.Catalog.FleetPolicy.UnassignedProfile})"))}</dd>
            <dt>RAND</dt><dd>{(host.Rand is { } rand ? rand.ToString() : "no report yet")}</dd>
            <dt>Profiles</dt><dd>{Join(host.Assessments.Select(a => Html($"""<p><strong>{a.Profile}</strong>: <span class="state {a.State}">{a.State}</span>; {a.Failed} failed, {a.Errors} could not be checked, {a.Waived} waived, {a.Attested} attested, {a.PendingAttestations} awaiting attestation, {a.Passed} passed</p>""")))}</dd>
            <dt>Enrolled as</dt><dd>{host.Name}, agent <code>{host.AgentId}</code>, {host.EnrolledAt:yyyy-MM-dd HH:mm} UTC{(host.RevokedAt is { } r ? $", revoked {r:yyyy-MM-dd HH:mm} UTC" : "")}</dd>
            {If(host.NameMismatch, Html($"<dt>Name mismatch</dt><dd>Its latest report names the host {host.ReportedName}; waivers, attestations and policy match the enrolled name {host.Name}.</dd>"))}
            <dt>TPM</dt><dd>{(host.HasTpm ? host.EkCertified ? "enrolled with a TPM; EK certificate chained to a manufacturer CA" : "enrolled with a TPM; EK not certified" : "enrolled without a TPM")}</dd>
            <dt>Latest report</dt><dd>{(latest is null ? "none yet" : $"{latest.ReceivedAt:yyyy-MM-dd HH:mm} UTC (the agent scanned with {latest.ScannedProfile}); attestation {latest.Attestation}")}</dd>
            <dt>Last verified quote</dt><dd>{(lastVerified is null ? "none" : $"{lastVerified.ReceivedAt:yyyy-MM-dd HH:mm:ss} UTC")}</dd>
            {If(host.LastRefusal is not null, Html($"<dt>Last refused submission</dt><dd>{host.LastRefusal?.At:yyyy-MM-dd HH:mm:ss} UTC, {host.LastRefusal?.Check}: {host.LastRefusal?.Detail}</dd>"))}
            <dt>Labels</dt><dd>{(host.Labels.Count == 0 ? "none" : string.Join(", ", host.Labels))}</dd>
            </dl>
            {If(admin, LabelForm(http, host.AgentId, host.Labels))}
            {If(admin && host.RevokedAt is null, Html($"<p><a class=\"button danger\" href=\"{DashboardPaths.Revoke(host.AgentId)}\">Revoke this host…</a></p>"))}
            {If(host.HasTpm, AttestationPanel.Render(host.AgentId, model.Baseline, model.Quote, admin))}
            {(model.Results is { } results ? Join(results.Select(p => Html($"""
                <section aria-labelledby="controls-{p.Key}"><h2 id="controls-{p.Key}">Controls of {p.Key}</h2>
                {Controls(p.Value.Results, model.Evidence!.Value)}
                </section>
                """))) : Html($"<p>No report yet.</p>"))}
            <section aria-labelledby="history"><h2 id="history">Recent reports</h2>
            <table><caption>Newest first, each as judged when it arrived; open one for its own page</caption><thead><tr><th scope="col">Received (UTC)</th><th scope="col">Judged against</th><th scope="col">RAND</th><th scope="col">Waivers and attestations in force</th><th scope="col">Attestation</th></tr></thead>
            <tbody>{Join(model.Detail.History.Select(h => Html($"<tr><td><a href=\"{DashboardPaths.Report(h.ReportId)}\">{h.ReceivedAt:yyyy-MM-dd HH:mm:ss}</a></td><td>{string.Join("; ", h.Judgement.Assessments.Select(a => $"{a.Profile}: {a.Failed} failed, {a.Errors} errors"))}</td><td>{h.Judgement.Rand}</td><td>{string.Join(", ", h.Judgement.Waivers.Concat(h.Judgement.Attestations))}</td><td>{h.Attestation}</td></tr>")))}</tbody></table>
            </section>
            {If(model.Detail.Refusals.Count > 0, Html($"""
                <section aria-labelledby="refusals"><h2 id="refusals">Refused submissions</h2>
                <table><caption>Submissions whose attestation did not hold, newest first</caption><thead><tr><th scope="col">When (UTC)</th><th scope="col">Check</th><th scope="col">Expected and found</th></tr></thead>
                <tbody>{Join(model.Detail.Refusals.Select(f => Html($"<tr><td>{f.At:yyyy-MM-dd HH:mm:ss}</td><td>{f.Check}</td><td>{f.Detail}</td></tr>")))}</tbody></table>
                </section>
                """))}
            """));
    }

    private static Markup LabelForm(HttpContext http, string agentId, IReadOnlyList<string> labels) => Html($"""
        <form method="post" action="{DashboardPaths.Host(agentId)}/labels" class="inline">{Layout.AntiforgeryField(http)}
        <label for="labels">Labels (comma-separated)</label> <input id="labels" name="labels" value="{string.Join(", ", labels)}" maxlength="1000">
        <button type="submit">Save labels</button></form>
        """);

    /// <summary>Why a host is untrusted, in words, after its state; nothing for other states.</summary>
    public static Markup StateReason(HostView host) => host.State != HostState.Untrusted ? Empty
        : host.PcrDrift ? Html($" — its PCRs changed since the baseline (<a href=\"#pcr\">attestation</a>)")
        : Html($" — its last submission's attestation was refused ({host.LastRefusal?.Check})");

    private static Markup Controls(IReadOnlyList<ControlResult> results, JsonElement report) => Html($"""
        <table class="controls"><caption>Every control of the profile, failures first, as the aggregator judges the latest report now</caption>
        <thead><tr><th scope="col">Control</th><th scope="col">Status</th><th scope="col">Severity</th><th scope="col">Finding, evidence and remediation</th></tr></thead>
        <tbody>{Join(results.OrderBy(r => Order(r.Status)).ThenBy(r => HostState.SeverityRank(r.Severity.ToString().ToLowerInvariant())).ThenBy(r => r.ControlId, StringComparer.Ordinal).Select(r => Html($"""
            <tr><td><a href="{DashboardPaths.Control(r.ControlId)}">{r.ControlId}</a><br>{r.Title}</td><td><span class="status {Statuses.Name(r.Status)}">{Statuses.Name(r.Status)}</span></td><td>{r.Severity.ToString().ToLowerInvariant()}</td>
            <td>{FindingMarkup.Body(r)}
            {If(r.Evidence.Count > 0, Html($"<details><summary>Evidence ({r.Evidence.Count})</summary>{Join(r.Evidence.Take(10).Select(p => Html($"<p class=\"pointer\"><code>{p}</code></p><pre>{EvidenceText(report, p)}</pre>")))}</details>"))}</td></tr>
            """)))}</tbody></table>
        """);

    private static string EvidenceText(JsonElement report, string pointer)
    {
        var text = EvidenceFactCheck.Resolve(report, pointer)?.GetRawText() ?? "(not present)";
        return text.Length > MaxEvidenceChars ? text[..MaxEvidenceChars] + " … (truncated)" : text;
    }

    private static int Order(Core.Evaluation.ControlStatus status) => status switch
    {
        Core.Evaluation.ControlStatus.Fail => 0, Core.Evaluation.ControlStatus.Error => 1, _ => 2,
    };
}
