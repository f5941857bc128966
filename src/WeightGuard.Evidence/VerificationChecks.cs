using System.Security.Cryptography.X509Certificates;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Evidence;

/// <summary>Names every check the verifier makes, with its outcome and what it covered, for the working paper.</summary>
internal static class VerificationChecks
{
    /// <summary>The first check's name.</summary>
    public const string ArchiveCheck = "Archive within bounds (entries, sizes, compression ratios), safe names, every entry inflates as declared";

    public static IReadOnlyList<CheckOutcome> Describe(BundleArchive archive, SignatureCheck? signature, X509Certificate2? trust, ManifestDocument? manifest,
        VerificationCounts c, IReadOnlyList<BundleProblem> files, IReadOnlyList<BundleProblem> layout, Catalog? catalog, IReadOnlyList<BundleProblem> catalogProblems,
        IReadOnlyList<BundleProblem> hosts, bool hasAudit, IReadOnlyList<BundleProblem> audit, IReadOnlyList<BundleProblem> findings, bool findingsComplete)
    {
        bool HostFails(params BundleFileKind[] kinds) => hosts.Any(p => kinds.Contains(BundleLayout.Classify(p.File).Kind));
        var withoutTpm = c.ReportsWithoutTpm == 0 ? "" : $"; {c.ReportsWithoutTpm} report(s) from hosts enrolled without a TPM carry no quote to check";
        var quoted = c.Reports - c.ReportsWithoutTpm;
        var checks = new List<CheckOutcome>
        {
            Outcome(ArchiveCheck, archive.Problems.Count == 0 && !archive.EntryProblems.Any(), "read entry by entry, never extracted"),
            signature is null ? new CheckOutcome("CMS signature over manifest.json", CheckOutcome.Failed, "no signature or no manifest to check")
                : Outcome("CMS signature over manifest.json", signature.SignatureVerified, signature.Subject is null ? "" : $"signed by {signature.Subject}"),
            signature is not { ChainChecked: true }
                ? new CheckOutcome("Signer chains to the trusted certificate", CheckOutcome.NotChecked,
                    trust is null ? "no --trust given" : "the signature itself does not verify, so its signer's chain proves nothing")
                : Outcome("Signer chains to the trusted certificate", signature.Anchored, $"as of the export time; trust anchor {trust!.Subject}"),
            manifest is null ? new CheckOutcome("Every file's SHA-256 and size match manifest.json", CheckOutcome.NotChecked, "no readable manifest")
                : Outcome("Every file's SHA-256 and size match manifest.json; none missing, none added", files.Count == 0, $"{c.FilesMatched} of {manifest.Files.Count} match"),
            Outcome("Nothing outside the bundle layout", layout.Count == 0, ""),
            catalog is null && catalogProblems.Count == 0
                ? new CheckOutcome("Bundled catalogue loads", CheckOutcome.NotChecked, "a catalogue file is damaged (named among the problems)")
                : Outcome("Bundled catalogue loads", catalog is not null, catalog is null ? "" : $"{catalog.Controls.Count} controls, {catalog.Profiles.Count} profiles"),
            Outcome("Host identities: host.json matches its folder, EK certificates certify the EK", !HostFails(BundleFileKind.Host),
                $"{c.Hosts} host(s), {c.HostsWithTpm} enrolled with a TPM"),
            Outcome("Reports belong to their host (report id, machine id)", !HostFails(BundleFileKind.Report), $"{c.Reports} report(s)"),
            Outcome("TPM quotes verify under each host's attestation key, bound to the report's evidence and nonce", !HostFails(BundleFileKind.Attestation),
                $"{c.QuotesVerified} of {quoted} quoted report(s) verified{withoutTpm}"),
            Outcome("Event logs replay to the quoted PCRs", !HostFails(BundleFileKind.EventLog), EventLogDetail(c)),
            catalog is null ? new CheckOutcome("Verdicts re-derive from the evidence and the bundled catalogue", CheckOutcome.NotChecked, "the bundled catalogue did not load")
                : Outcome("Verdicts re-derive from the evidence and the bundled catalogue", !HostFails(BundleFileKind.Verdicts),
                    $"{c.VerdictsReproduced} of {c.Reports} verdict set(s) re-derived byte for byte"),
            findingsComplete ? Outcome("findings.csv and findings.ocsf.jsonl list exactly the verdicts", findings.Count == 0, "")
                : new CheckOutcome("findings.csv and findings.ocsf.jsonl list exactly the verdicts", CheckOutcome.NotChecked, "a report or its verdicts could not be read"),
            hasAudit ? Outcome("Audit log hash chain (audit.jsonl)", audit.Count == 0, $"{c.AuditRows} row(s) hold")
                : new CheckOutcome("Audit log hash chain (audit.jsonl)", CheckOutcome.NotChecked, "the bundle carries no audit.jsonl (the aggregator's audit log was empty)"),
        };
        return checks;
    }

    /// <summary>Why so many event logs replayed: a quoted report without a log has nothing to replay, which is not a failure.</summary>
    internal static string EventLogDetail(VerificationCounts c)
    {
        var parts = new List<string> { $"{c.EventLogsReplayed} event log(s) replayed" };
        if (c.EventLogsAbsent > 0)
            parts.Add($"{c.EventLogsAbsent} quoted report(s) carry no event log: the agent could not read the firmware's measurement log " +
                      "(/sys/kernel/security/tpm0/binary_bios_measurements), so their PCR values are quoted but not explained event by event");
        if (c.ReportsWithoutTpm > 0) parts.Add($"{c.ReportsWithoutTpm} report(s) from hosts enrolled without a TPM have no quote and no log");
        return string.Join("; ", parts);
    }

    private static CheckOutcome Outcome(string name, bool holds, string detail) => new(name, holds ? CheckOutcome.Passed : CheckOutcome.Failed, detail);
}
