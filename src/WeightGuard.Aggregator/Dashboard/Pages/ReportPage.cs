using WeightGuard.Aggregator.Storage;
using static WeightGuard.Aggregator.Dashboard.Markup;

namespace WeightGuard.Aggregator.Dashboard.Pages;

/// <summary>
/// One stored report as the aggregator judged it when it arrived: which host sent it and when, its verdict per profile,
/// the RAND standing, the waivers and attestations in force, and its attestation (its quote against the host's baseline).
/// </summary>
public static class ReportPage
{
    /// <summary>Renders the page of <paramref name="report"/>, sent by <paramref name="agent"/>.</summary>
    public static Markup Render(HttpContext http, AgentRecord agent, ReportRow report, PcrBaseline? baseline, QuoteAgainstBaseline? quote)
    {
        var judged = report.Judgement;
        return Layout.Page(http, $"Report of {agent.Hostname}, {report.ReceivedAt:yyyy-MM-dd HH:mm}", Html($"""
            <h1>Report of {agent.Hostname}, {report.ReceivedAt:yyyy-MM-dd HH:mm:ss} UTC</h1>
            <dl class="facts">
            <dt>Report</dt><dd><code>{report.ReportId}</code></dd>
            <dt>Host</dt><dd><a href="{DashboardPaths.Host(agent.AgentId)}">{agent.Hostname}</a> (agent <code>{agent.AgentId}</code>){If(!string.Equals(report.ReportedName, agent.Hostname, StringComparison.OrdinalIgnoreCase), Html($"; the report names the host {report.ReportedName}"))}</dd>
            <dt>Received</dt><dd>{report.ReceivedAt:yyyy-MM-dd HH:mm:ss} UTC, judged {judged.JudgedAt:yyyy-MM-dd HH:mm:ss} UTC</dd>
            <dt>Scanned with</dt><dd>{report.ProfileId} (the agent's own verdict: RAND {report.AgentRand}; the aggregator's is below)</dd>
            <dt>Attestation</dt><dd>{AttestationResult(report.Attestation, agent)}</dd>
            <dt>RAND</dt><dd>{judged.Rand}</dd>
            <dt>Waivers and attestations in force</dt><dd>{(judged.Waivers.Count + judged.Attestations.Count == 0 ? "none" : string.Join(", ", judged.Waivers.Concat(judged.Attestations)))}</dd>
            </dl>
            <section aria-labelledby="verdicts"><h2 id="verdicts">Verdict per profile</h2>
            <table><caption>As the aggregator judged this report when it arrived, against each profile the host was judged against then</caption>
            <thead><tr><th scope="col">Profile</th><th scope="col">Verdict</th><th scope="col">Failed</th><th scope="col">Could not be checked</th><th scope="col">Waived</th><th scope="col">Attested</th><th scope="col">Awaiting attestation</th><th scope="col">Passed</th><th scope="col">Not applicable</th></tr></thead>
            <tbody>{Join(judged.Assessments.Select(a => Html($"""<tr><td>{a.Profile}{(a.Assigned ? "" : " (unassigned)")}</td><td><span class="state {(a.Failed + a.Errors > 0 ? "failing" : "compliant")}">{(a.Failed + a.Errors > 0 ? "failing" : "compliant")}</span></td><td>{a.Failed}</td><td>{a.Errors}</td><td>{a.Waived}</td><td>{a.Attested}</td><td>{a.Manual}</td><td>{a.Passed}</td><td>{a.NotApplicable}</td></tr>""")))}</tbody></table>
            <p class="hint">The findings of the host's latest report, judged now, are on the <a href="{DashboardPaths.Host(agent.AgentId)}">host page</a>.</p>
            </section>
            {If(agent.AkPublic is not null, AttestationPanel.Render(agent.AgentId, baseline, quote, rebaseline: false))}
            """));
    }

    private static string AttestationResult(string attestation, AgentRecord agent) => attestation switch
    {
        "verified" => "verified: the TPM quote's signature, nonce and PCR digest held, and its event log, when sent, replayed to the quoted PCRs",
        "absent" when agent.AkPublic is null => "absent: the host enrolled without a TPM, so nothing proves how it booted",
        _ => attestation,
    };
}
