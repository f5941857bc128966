using System.Globalization;
using WeightGuard.Evidence;

namespace WeightGuard.Cli.Commands;

/// <summary>The working paper as plain text: the verdict and its basis first, then checks, hosts, flags and problems.</summary>
internal static class WorkingPaperText
{
    /// <summary>Writes <paramref name="paper"/>.</summary>
    public static void Write(WorkingPaper paper, TextWriter o)
    {
        o.WriteLine($"Bundle     {paper.Bundle}");
        o.WriteLine($"Verified   {Time(paper.VerifiedAt)} by {paper.Tool}");
        if (paper.Manifest is { } m)
        {
            o.WriteLine($"Manifest   {m.Schema}, created {Time(m.CreatedAt)} by {m.Producer}");
            o.WriteLine(m.PreviousManifestSha256 is { } previous
                ? $"Chain      follows the export whose manifest.json has SHA-256 {previous}"
                : "Chain      first export (no previous manifest)");
        }
        if (paper.Previous is { } chain)
            o.WriteLine($"           --previous {chain.PreviousBundle}: {(chain.Holds ? "holds" : "DOES NOT HOLD")}: {chain.Detail}");
        if (paper.Signer is { } s)
        {
            o.WriteLine($"Signer     {s.Subject}");
            o.WriteLine($"           SHA-256 fingerprint {s.Sha256Fingerprint}");
            o.WriteLine(s.SignatureVerified == true ? "           signature verifies over manifest.json" : "           signature does NOT verify over manifest.json");
            o.WriteLine(paper.Trust is null ? "           not anchored: no --trust given"
                : s.Anchored is null ? "           chain not checked: the signature itself does not verify"
                : s.Anchored == true ? $"           anchored in {paper.Trust.Subject}"
                : $"           NOT anchored in {paper.Trust.Subject}");
        }
        if (paper.Trust is { } t)
        {
            o.WriteLine($"Trust      {t.Subject}");
            o.WriteLine($"           SHA-256 fingerprint {t.Sha256Fingerprint}");
        }
        var c = paper.Counts;
        o.WriteLine($"Files      {c.FilesMatched} of {paper.Manifest?.Files ?? 0} match the manifest's SHA-256");
        o.WriteLine($"Hosts      {c.Hosts} ({c.HostsWithTpm} enrolled with a TPM)");
        o.WriteLine($"Reports    {c.Reports}: {c.QuotesVerified} quotes verified, {c.EventLogsReplayed} event logs replayed, " +
                    $"{c.ReportsWithoutTpm} from hosts without a TPM; {c.VerdictsReproduced} verdict sets re-derived");
        o.WriteLine($"Event logs {c.DescribeEventLogs()}");
        o.WriteLine($"Audit log  {c.AuditRows} row(s) whose hash chain holds");

        o.WriteLine();
        o.WriteLine("Checks");
        foreach (var check in paper.Checks)
            o.WriteLine($"  {Mark(check.Outcome),-12} {check.Name}{(check.Detail.Length > 0 ? $": {check.Detail}" : "")}");

        o.WriteLine();
        o.WriteLine("Hosts");
        foreach (var host in paper.Hosts)
        {
            o.WriteLine($"  {host.Name ?? "(host.json unreadable)"}  agent {host.AgentId}, {(host.Attestation == "tpm" ? "TPM" : host.Attestation == "none" ? "no TPM" : "attestation unknown")}, " +
                        $"{host.Reports.Count} report(s){Range(host.FirstReport, host.LastReport)}");
            foreach (var r in host.Reports)
                o.WriteLine($"    report {r.ReportId}{(r.FinishedAt is { } at ? $" ({Time(at)})" : "")}: quote {r.Quote}, event log {r.EventLog}, verdicts {r.Verdicts}" +
                            string.Concat((r.Profiles ?? []).Select(p => $"; {p.Profile}: {Counts(p)}")));
        }
        if (paper.Flags.Count > 0)
        {
            o.WriteLine();
            o.WriteLine("Flagged by the aggregator (not problems)");
            foreach (var flag in paper.Flags) o.WriteLine($"  {Item(flag)}");
        }
        o.WriteLine();
        if (paper.Problems.Count > 0)
        {
            o.WriteLine($"FAILED     {Item(paper.Problems[0])}");
            o.WriteLine($"{paper.Problems.Count} problem(s):");
            foreach (var problem in paper.Problems) o.WriteLine($"  {Item(problem)}");
        }
        else if (!paper.Verified) o.WriteLine("FAILED     signer not anchored: pass --trust with the aggregator's CA or signing certificate");
        else o.WriteLine("VERIFIED   every check holds");
    }

    /// <summary>A problem or flag: the host's name first when it belongs to one, then file and text, cut to one line.</summary>
    private static string Item(WorkingPaperItem item) =>
        $"{(item.Host is { } host ? $"[{host}] " : item.AgentId is { } agent ? $"[agent {agent}] " : "")}{item.File}: {OneLine(item.Text)}";

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= 400 ? line : line[..400] + "…";
    }

    private static string Counts(ProfileCounts p) =>
        $"{p.Pass} pass, {p.Fail} fail, {p.Error} error, {p.Waived} waived, {p.Manual} manual, {p.Attested} attested, {p.NotApplicable} n/a";

    private static string Range(DateTimeOffset? first, DateTimeOffset? last) =>
        first is null || last is null ? "" : first == last ? $", {Time(first.Value)}" : $", {Time(first.Value)} to {Time(last.Value)}";

    private static string Mark(string outcome) => outcome switch
    {
        CheckOutcome.Passed => "[passed]",
        CheckOutcome.Failed => "[FAILED]",
        _ => "[not checked]",
    };

    internal static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
