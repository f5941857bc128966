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
internal sealed class HostVerifier(IReadOnlyDictionary<string, byte[]> entries, Catalog? catalog, List<BundleProblem> problems, VerificationCounts counts)
{
    /// <summary>
    /// Verifies the host and returns, per report, its findings: the report once per profile with the bundle's verdicts as
    /// results (null when one did not parse), for the findings check.
    /// </summary>
    public List<IReadOnlyList<Report>?> Verify(string agentId, IEnumerable<string> reportIds)
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
        return reportIds.Order(StringComparer.Ordinal).Select(id => VerifyReport(BundleLayout.ReportFolder(agentId, id), id, host, ak)).ToList();
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

    private IReadOnlyList<Report>? VerifyReport(string folder, string reportId, HostDocument? host, TpmtPublic? ak)
    {
        counts.Reports++;
        var reportPath = folder + "report.json";
        if (!entries.TryGetValue(reportPath, out var raw)) { problems.Add(new BundleProblem(reportPath, "missing")); return null; }
        Report report;
        JsonDocument document;
        try
        {
            report = JsonSerializer.Deserialize(raw, WeightGuardJsonContext.Default.Report) ?? throw new JsonException("null");
            document = JsonDocument.Parse(raw);
        }
        catch (JsonException e)
        {
            problems.Add(new BundleProblem(reportPath, $"not a weightguard.report/v1 document: {e.Message}"));
            return null;
        }
        using var owned = document;
        if (report.ReportId.ToString() != reportId)
            problems.Add(new BundleProblem(reportPath, $"reportId {report.ReportId} does not match its folder {reportId}"));
        if (host is not null && (report.Host.Hostname != host.Hostname || (host.MachineId is not null && report.Host.MachineId != host.MachineId)))
            problems.Add(new BundleProblem(reportPath, $"the report is from host '{report.Host.Hostname}' (machine id {report.Host.MachineId ?? "none"}), " +
                $"not from '{host.Hostname}' (machine id {host.MachineId ?? "none"}) whose folder holds it"));
        var check = host is null ? null : CheckAttestation(folder, document.RootElement, host, ak);
        // Judged, as at ingest, on the Secure Boot state the quote and event log attest.
        return CheckVerdicts(folder, check is null ? report : report with { Evidence = AttestedBoot.Apply(report.Evidence, check) }, host);
    }

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
        if (Read(attestationPath, BundleJsonContext.Default.QuoteAttestation) is not { } attestation || ak is null) return null;
        var check = ReportAttestation.Verify(report, attestation, entries.GetValueOrDefault(logPath), ak);
        foreach (var p in check.QuoteProblems) problems.Add(new BundleProblem(attestationPath, p));
        foreach (var p in check.EventLogProblems) problems.Add(new BundleProblem(logPath, p));
        if (check.QuoteVerified) counts.QuotesVerified++;
        if (check.EventLogReplayed) counts.EventLogsReplayed++;
        return check;
    }

    private IReadOnlyList<Report>? CheckVerdicts(string folder, Report report, HostDocument? host)
    {
        var path = folder + "verdicts.json";
        if (!entries.TryGetValue(path, out var raw)) { problems.Add(new BundleProblem(path, "missing")); return null; }
        if (Read(path, BundleJsonContext.Default.VerdictsDocument) is not { } claimed) return null;
        if (catalog is not null && host is not null)
        {
            if (VerdictReplay.Difference(catalog, report, host.Hostname, claimed, raw) is { } difference) problems.Add(new BundleProblem(path, difference));
            else counts.VerdictsReproduced++;
        }
        return claimed.Findings(report).ToList();
    }

    private T? Read<T>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) where T : class
    {
        if (!entries.TryGetValue(path, out var raw)) { problems.Add(new BundleProblem(path, "missing")); return null; }
        try { return JsonSerializer.Deserialize(raw, type) ?? throw new JsonException("null"); }
        catch (JsonException e)
        {
            problems.Add(new BundleProblem(path, $"not valid: {e.Message}"));
            return null;
        }
    }
}
