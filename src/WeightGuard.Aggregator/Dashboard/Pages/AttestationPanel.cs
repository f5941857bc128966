using WeightGuard.Aggregator.Judgement;
using WeightGuard.Aggregator.Storage;
using static WeightGuard.Aggregator.Dashboard.Markup;

namespace WeightGuard.Aggregator.Dashboard.Pages;

/// <summary>A verified quote a page shows against the host's PCR baseline.</summary>
/// <param name="ReportId">The report the quote came with.</param>
/// <param name="ReceivedAt">When that report was accepted.</param>
/// <param name="Pcrs">Its PCRs against the baseline's.</param>
public sealed record QuoteAgainstBaseline(Guid ReportId, DateTimeOffset ReceivedAt, IReadOnlyList<PcrComparison> Pcrs)
{
    /// <summary>PCRs whose value moved since the baseline.</summary>
    public IReadOnlyList<PcrComparison> Changed => Pcrs.Where(p => p.Drifted).ToList();
}

/// <summary>
/// A host's attestation in words first: which PCRs changed since the baseline and what they measure, warnings for PCRs
/// and banks in which nothing was measured; the values themselves behind a disclosure (open when printed).
/// </summary>
public static class AttestationPanel
{
    /// <summary>One quoted PCR's standing against the baseline, in words.</summary>
    public static string Standing(PcrComparison pcr) => pcr switch
    {
        { Latest: null } => "not in this quote",
        { Baseline: null } => "not in the baseline",
        { Drifted: true } => "changed",
        _ when PcrRegisters.Unmeasured(pcr.Latest) => "not measured",
        _ => "same",
    };

    /// <summary>
    /// The section for a host with a TPM; <paramref name="quote"/> is null before its first verified quote. With
    /// <paramref name="rebaseline"/> an admin is offered to make the quote the baseline (after a confirmation page).
    /// </summary>
    public static Markup Render(string agentId, PcrBaseline? baseline, QuoteAgainstBaseline? quote, bool rebaseline)
    {
        if (baseline is null || quote is null)
            return Html($"<section aria-labelledby=\"pcr\"><h2 id=\"pcr\">Attestation</h2><p>No verified quote yet: nothing proves how this host booted.</p></section>");
        var changed = quote.Changed;
        var unmeasured = quote.Pcrs.Count(p => Standing(p) == "not measured");
        var isBaseline = quote.ReportId == baseline.ReportId;
        return Html($"""
            <section aria-labelledby="pcr" class="attestation"><h2 id="pcr">Attestation</h2>
            <p>{(isBaseline ? "This quote" : $"The quote of {quote.ReceivedAt:yyyy-MM-dd HH:mm:ss} UTC")} {(isBaseline ? "is" : "compared with")} the baseline, the quote of {baseline.ReceivedAt:yyyy-MM-dd HH:mm:ss} UTC
            ({(baseline.SetBy is null ? "the host's first verified quote" : $"chosen by {baseline.SetBy} on {baseline.SetAt:yyyy-MM-dd}")}).
            {(quote.Pcrs.Count == 0 ? "The quotes' PCR values could not be read." : changed.Count == 0 ? "No PCR has changed since." : $"{changed.Count} PCR(s) changed since:")}</p>
            {If(changed.Count > 0, Html($"<ul class=\"drift\">{Join(changed.Select(p => Html($"<li><strong>{p.Bank}:{p.Index}</strong> {PcrRegisters.Measures(p.Index)}</li>")))}</ul>"))}
            {Warnings(quote.Pcrs)}
            <details><summary>PCR values: {quote.Pcrs.Count} quoted, {changed.Count} changed, {unmeasured} not measured</summary>
            {Table(quote.Pcrs)}
            </details>
            {If(rebaseline && !isBaseline, Html($"""<p><a class="button" href="{DashboardPaths.Baseline(agentId, quote.ReportId)}">Make this quote the baseline…</a></p>"""))}
            </section>
            """);
    }

    /// <summary>
    /// Warnings that the values prove less than they seem: a bank in which every quoted PCR is zero, and single PCRs left
    /// at zero (their reset value: nothing was measured into them, so "same" would mean nothing).
    /// </summary>
    public static Markup Warnings(IReadOnlyList<PcrComparison> pcrs)
    {
        var banks = pcrs.GroupBy(p => p.Bank, StringComparer.Ordinal).ToList();
        var emptyBanks = banks.Where(b => b.All(p => PcrRegisters.Unmeasured(p.Latest))).Select(b => b.Key).ToList();
        var zero = banks.Where(b => !emptyBanks.Contains(b.Key)).SelectMany(b => b).Where(p => PcrRegisters.Unmeasured(p.Latest)).ToList();
        return Html($"""
            {Join(emptyBanks.Select(b => Html($"<p class=\"warning\" role=\"note\"><strong>Warning:</strong> every quoted PCR of the {b} bank is zero: the firmware measured nothing into this bank, so the quote proves nothing about how this host booted. A machine booted by measuring UEFI firmware extends PCRs 0–7 at least once.</p>")))}
            {If(zero.Count > 0, Html($"<p class=\"warning\" role=\"note\"><strong>Warning:</strong> {string.Join(", ", zero.Select(p => $"{p.Bank}:{p.Index}"))} hold no measurement (all zeros): nothing was measured into them, so they cannot show a change.</p>"))}
            """);
    }

    /// <summary>The PCR table: index, what it measures, standing, the value, and the baseline's value where it differs.</summary>
    public static Markup Table(IReadOnlyList<PcrComparison> pcrs) => Html($"""
        <table class="pcrs"><caption>Quoted PCRs against the baseline (what each measures: TCG PC Client Platform Firmware Profile for 0–7, the Linux boot chain for 8–15)</caption>
        <thead><tr><th scope="col">PCR</th><th scope="col">Measures</th><th scope="col">Since the baseline</th><th scope="col">Value</th><th scope="col">Baseline value, where different</th></tr></thead>
        <tbody>{Join(pcrs.Select(p => Html($"""<tr class="{Standing(p).Replace(' ', '-')}"><td>{p.Bank}:{p.Index}</td><td>{PcrRegisters.Measures(p.Index)}</td><td>{Standing(p)}</td><td><code>{p.Latest}</code></td><td>{(p.Drifted ? Html($"<code>{p.Baseline}</code>") : Empty)}</td></tr>""")))}</tbody></table>
        """);
}
