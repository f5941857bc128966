using System.Security.Cryptography;
using System.Text.Json;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Protocol;
using WeightGuard.Core.Reports;
using WeightGuard.Tpm;
using WeightGuard.Tpm.Verification;

namespace WeightGuard.Evidence;

/// <summary>
/// Checks one host folder: its enrolled identity and keys, and for each report that the report is this host's (identity
/// and quote under this host's attestation key), that its event log replays, and that its verdicts re-derive.
/// </summary>
/// <param name="entries">The host's files: a path absent is missing from the bundle; a path whose bytes are null is there
/// but damaged (its hash or inflation failed, named by the file check), so its content is not interpreted.</param>
/// <param name="catalog">The bundled catalogue, or null when it did not load.</param>
/// <param name="problems">Where problems go.</param>
/// <param name="counts">Where tallies go.</param>
internal sealed class HostVerifier(IReadOnlyDictionary<string, byte[]?> entries, Catalog? catalog, List<BundleProblem> problems, VerificationCounts counts)
{
    private readonly List<BundleFlag> _flags = [];

    /// <summary>What was found on the host, and per report its findings: the report once per profile with the bundle's
    /// verdicts as results (null when one could not be read), for the findings check.</summary>
    public (HostSummary Summary, List<IReadOnlyList<Report>?> Findings, IReadOnlyList<BundleFlag> Flags) Verify(string agentId, IEnumerable<string> reportIds)
    {
        counts.Hosts++;
        var hostPath = BundleLayout.HostFile(agentId);
        var host = Read(hostPath, BundleJsonContext.Default.HostDocument);
        if (host is not null && host.AgentId != agentId)
        {
            problems.Add(new BundleProblem(hostPath, $"agentId '{host.AgentId}' does not match its folder '{agentId}'"));
            host = null;
        }
        var ak = host is null ? null : Keys(hostPath, host);
        var reports = new List<ReportSummary>();
        var findings = reportIds.Order(StringComparer.Ordinal).Select(id =>
        {
            var (summary, found) = VerifyReport(BundleLayout.ReportFolder(agentId, id), id, host, ak);
            reports.Add(summary);
            return found;
        }).ToList();
        return (new HostSummary(agentId, host?.Hostname, host?.Attestation, reports), findings, _flags);
    }

    /// <summary>The attestation key of a host enrolled with a TPM, after checking its EK certificate certifies its EK.</summary>
    private TpmtPublic? Keys(string path, HostDocument host)
    {
        if (host.Attestation == HostDocument.None) return null;
        if (host.Attestation != HostDocument.Tpm)
        {
            problems.Add(new BundleProblem(path, $"attestation '{host.Attestation}' is neither '{HostDocument.Tpm}' nor '{HostDocument.None}'"));
            return null;
        }
        counts.HostsWithTpm++;
        var ak = PublicKey(path, "akPublic", host.AkPublic);
        var ek = PublicKey(path, "ekPublic", host.EkPublic);
        if (ek is not null && host.EkCertificate is not null)
        {
            try
            {
                if (!EkCertificateValidator.CertifiesKey(Convert.FromBase64String(host.EkCertificate), ek))
                    problems.Add(new BundleProblem(path, "ekCertificate does not certify ekPublic"));
            }
            catch (Exception e) when (e is FormatException or CryptographicException)
            {
                problems.Add(new BundleProblem(path, $"ekCertificate is not a DER certificate in base64: {e.Message}"));
            }
        }
        return ak;
    }

    private TpmtPublic? PublicKey(string path, string field, string? base64)
    {
        if (base64 is null) { problems.Add(new BundleProblem(path, $"{field} is missing for a host enrolled with a TPM")); return null; }
        try { return TpmtPublic.Parse(Convert.FromBase64String(base64)); }
        catch (Exception e) when (e is FormatException or TpmFormatException)
        {
            problems.Add(new BundleProblem(path, $"{field} is not a TPMT_PUBLIC in base64: {e.Message}"));
            return null;
        }
    }

    private (ReportSummary, IReadOnlyList<Report>?) VerifyReport(string folder, string reportId, HostDocument? host, TpmtPublic? ak)
    {
        counts.Reports++;
        var reportPath = folder + "report.json";
        var summary = new ReportSummary(reportId, null, QuoteOutcome(null, host, folder), EventLogOutcome(null, host, folder), Verdicts: ReportSummary.NotChecked);
        if (!Present(reportPath, out var raw)) return (summary, null);
        Report report;
        JsonDocument document;
        try
        {
            report = JsonSerializer.Deserialize(raw, WeightGuardJsonContext.Default.Report) ?? throw new JsonException("null");
            document = JsonDocument.Parse(raw);
        }
        catch (JsonException e)
        {
            problems.Add(new BundleProblem(reportPath, $"not a weightguard.report/v1 document: {Short(e.Message)}"));
            return (summary, null);
        }
        using var owned = document;
        summary = summary with { FinishedAt = report.FinishedAt };
        if (report.ReportId.ToString() != reportId)
            problems.Add(new BundleProblem(reportPath, $"reportId {report.ReportId} does not match its folder {reportId}"));
        if (host is not null && host.MachineId is not null && report.Host.MachineId != host.MachineId)
            problems.Add(new BundleProblem(reportPath, $"the report is from host '{report.Host.Hostname}' (machine id {report.Host.MachineId ?? "none"}), " +
                $"not from '{host.Hostname}' (machine id {host.MachineId}) whose folder holds it"));
        else if (host is not null && report.Host.Hostname != host.Hostname)
            // The aggregator stores such a report and flags the host; it judges it under the enrolled name, as re-derived here.
            _flags.Add(new BundleFlag(reportPath, BundleFlag.NameMismatch,
                $"the report names the host '{report.Host.Hostname}', enrolled as '{host.Hostname}'; judged under the enrolled name, as the aggregator flagged it"));
        var check = host is null ? null : CheckAttestation(folder, document.RootElement, host, ak);
        summary = summary with { Quote = QuoteOutcome(check, host, folder), EventLog = EventLogOutcome(check, host, folder) };
        // Judged, as at ingest, on the Secure Boot state the quote and event log attest.
        var (verdicts, findings) = CheckVerdicts(folder, check is null ? report : report with { Evidence = AttestedBoot.Apply(report.Evidence, check) }, host);
        return (summary with { Verdicts = verdicts.Outcome, Profiles = verdicts.Profiles }, findings);
    }

    private string QuoteOutcome(AttestationCheck? check, HostDocument? host, string folder) =>
        Outcome(check, host, folder + "attestation.json", c => c.QuoteVerified, ReportSummary.Verified);

    private string EventLogOutcome(AttestationCheck? check, HostDocument? host, string folder) =>
        Outcome(check, host, folder + "eventlog.bin", c => c.EventLogReplayed, ReportSummary.Replayed);

    /// <summary>What became of one attestation file's check, in the working paper's words.</summary>
    private string Outcome(AttestationCheck? check, HostDocument? host, string file, Func<AttestationCheck, bool> held, string heldWord) =>
        host is null ? ReportSummary.NotChecked
        : host.Attestation != HostDocument.Tpm ? ReportSummary.NoTpm
        : !entries.ContainsKey(file) ? ReportSummary.Absent
        : check is null ? ReportSummary.NotChecked
        : held(check) ? heldWord : ReportSummary.Failed;

    /// <summary>Checks a report's quote and event log; the check when there was one to make, else null.</summary>
    private AttestationCheck? CheckAttestation(string folder, JsonElement report, HostDocument host, TpmtPublic? ak)
    {
        var attestationPath = folder + "attestation.json";
        var logPath = folder + "eventlog.bin";
        if (host.Attestation != HostDocument.Tpm)
        {
            counts.ReportsWithoutTpm++;
            foreach (var path in new[] { attestationPath, logPath }.Where(entries.ContainsKey))
                problems.Add(new BundleProblem(path, "the host enrolled without a TPM, so its reports carry no quote"));
            return null;
        }
        if (!entries.ContainsKey(attestationPath))
        {
            problems.Add(new BundleProblem(attestationPath, "missing: the host enrolled with a TPM, so every report must carry a quote"));
            return null;
        }
        if (!entries.ContainsKey(logPath)) counts.EventLogsAbsent++;
        if (Read(attestationPath, BundleJsonContext.Default.QuoteAttestation) is not { } attestation || ak is null) return null;
        if (entries.TryGetValue(logPath, out var log) && log is null) return null; // damaged: named by the file check
        var check = ReportAttestation.Verify(report, attestation, log, ak);
        foreach (var p in check.QuoteProblems) problems.Add(new BundleProblem(attestationPath, p));
        foreach (var p in check.EventLogProblems) problems.Add(new BundleProblem(logPath, p));
        if (check.QuoteVerified) counts.QuotesVerified++;
        if (check.EventLogReplayed) counts.EventLogsReplayed++;
        return check;
    }

    private ((string Outcome, IReadOnlyList<ProfileCounts> Profiles) Verdicts, IReadOnlyList<Report>? Findings) CheckVerdicts(string folder, Report report, HostDocument? host)
    {
        var path = folder + "verdicts.json";
        if (!Present(path, out var raw)) return ((ReportSummary.NotChecked, []), null);
        if (Read(path, BundleJsonContext.Default.VerdictsDocument) is not { } claimed) return ((ReportSummary.NotChecked, []), null);
        var profiles = claimed.Profiles.Select(p => ProfileCounts.Of(p.Profile.Id, p.Summary)).ToList();
        var outcome = ReportSummary.NotChecked;
        if (catalog is not null && host is not null)
        {
            if (VerdictReplay.Difference(catalog, report, host.Hostname, claimed, raw) is { } difference)
            {
                problems.Add(new BundleProblem(path, difference));
                outcome = ReportSummary.Failed;
            }
            else
            {
                counts.VerdictsReproduced++;
                outcome = ReportSummary.Reproduced;
            }
        }
        return ((outcome, profiles), claimed.Findings(report).ToList());
    }

    /// <summary>True with the bytes when the file is there and intact; a missing file is a problem, a damaged one is named elsewhere.</summary>
    private bool Present(string path, out byte[] raw)
    {
        raw = [];
        if (!entries.TryGetValue(path, out var bytes)) { problems.Add(new BundleProblem(path, "missing")); return false; }
        if (bytes is null) return false;
        raw = bytes;
        return true;
    }

    private T? Read<T>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) where T : class
    {
        if (!Present(path, out var raw)) return null;
        try { return JsonSerializer.Deserialize(raw, type) ?? throw new JsonException("null"); }
        catch (JsonException e)
        {
            problems.Add(new BundleProblem(path, $"not valid: {Short(e.Message)}"));
            return null;
        }
    }

    /// <summary>A parser's message cut to one short line: it can quote the bundle's own bytes.</summary>
    internal static string Short(string message)
    {
        var line = message.ReplaceLineEndings(" ");
        return line.Length <= 200 ? line : line[..200] + "…";
    }
}
