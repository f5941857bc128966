using WeightGuard.Aggregator.Storage;
using static WeightGuard.Aggregator.Dashboard.Markup;

namespace WeightGuard.Aggregator.Dashboard.Pages;

/// <summary>The confirmation pages of an admin's changes to one host: a new PCR baseline, revocation.</summary>
public static class HostChangePages
{
    /// <summary>Asks to make <paramref name="candidate"/>'s quote the baseline of <paramref name="agent"/> instead of <paramref name="current"/>, showing what differs.</summary>
    public static HtmlPage ConfirmBaseline(HttpContext http, AgentRecord agent, PcrBaseline current, QuoteAgainstBaseline candidate)
    {
        var changed = candidate.Changed;
        return ConfirmPage.Render(http, $"Make a new PCR baseline for {agent.Hostname}?", Html($"""
            <p>The quote of {candidate.ReceivedAt:yyyy-MM-dd HH:mm:ss} UTC would replace the quote of {current.ReceivedAt:yyyy-MM-dd HH:mm:ss} UTC as the
            baseline every later quote of this host is compared with. Do this only when you know why the boot chain changed (a firmware,
            boot loader or Secure Boot update you made): a baseline taken from a tampered boot hides the tampering from then on.
            The host is judged again at once, and the change is recorded in the audit log.</p>
            <p><strong>{(changed.Count == 0 ? "No PCR differs between the two quotes." : $"{changed.Count} PCR(s) differ:")}</strong></p>
            {If(changed.Count > 0, AttestationPanel.Table(changed))}
            {AttestationPanel.Warnings(candidate.Pcrs)}
            """), DashboardPaths.Host(agent.AgentId) + "/baseline", [("reportId", candidate.ReportId.ToString())], "Make it the baseline",
            DashboardPaths.Host(agent.AgentId) + "#pcr");
    }

    /// <summary>Asks to revoke <paramref name="agent"/>, saying what that does; a page saying so when it already is.</summary>
    public static HtmlPage ConfirmRevoke(HttpContext http, AgentRecord agent) => agent.RevokedAt is { } at
        ? MessagePage.Problem(http, StatusCodes.Status409Conflict, "Already revoked", $"{agent.Hostname} was revoked on {at:yyyy-MM-dd HH:mm} UTC.")
        : ConfirmPage.Render(http, $"Revoke {agent.Hostname}?", Html($"""
            <p>Host {agent.Hostname} (agent <code>{agent.AgentId}</code>) will no longer be able to submit reports: the aggregator refuses its
            client certificate from now on, and the host shows as <span class="state revoked">revoked</span>. Its past reports stay, for audits
            and evidence exports. To bring it back, enrol it again (it gets a new agent id). This cannot be undone, and it is recorded in
            the audit log.</p>
            """), DashboardPaths.Revoke(agent.AgentId), [], "Revoke the host", DashboardPaths.Host(agent.AgentId));
}
