using WeightGuard.Core.Reports;
using WeightGuard.Reporting;
using static WeightGuard.Aggregator.Dashboard.Markup;

namespace WeightGuard.Aggregator.Dashboard;

/// <summary>
/// A finding as dashboard pages show it: the message, the waiver or attestation behind its status, what to do next
/// (remediation for a failure, guidance for a control that could not be checked) and the framework clauses it answers.
/// </summary>
public static class FindingMarkup
{
    /// <summary>The finding's text, without its evidence.</summary>
    public static Markup Body(ControlResult r) => Html($"""
        <p>{r.Message}</p>{If(r.Waiver is not null, Html($"<p class=\"waiver\">Waiver by {r.Waiver?.Approver}{(r.Waiver?.Expired == true ? ", expired " : ", valid until ")}{r.Waiver?.Expires:yyyy-MM-dd}: {r.Waiver?.Justification}</p>"))}
        {If(r.Attestation is not null, Html($"<p class=\"waiver\">Attested by {r.Attestation?.Attestor} until {r.Attestation?.Expires:yyyy-MM-dd HH:mm} UTC{(r.Attestation?.EvidenceRef is { } e ? $"; evidence {e}" : "")}</p>"))}
        {(FindingText.NextStep(r) is var (label, step) ? Html($"<p class=\"remediation\"><strong>{label}:</strong> {step}</p>") : Empty)}
        {Clauses(r)}
        """);

    /// <summary>Shown, not folded away: which clauses a failure breaks is what an auditor reads the row for.</summary>
    private static Markup Clauses(ControlResult r)
    {
        var clauses = FindingText.Clauses(r).ToList();
        return clauses.Count == 0 ? Empty
            : Html($"<p class=\"clauses\"><strong>Framework clauses:</strong> {string.Join("; ", clauses)}</p>");
    }
}
