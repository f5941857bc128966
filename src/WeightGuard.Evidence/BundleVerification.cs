namespace WeightGuard.Evidence;

/// <summary>The outcome of verifying a bundle: every problem found, what the signature says, and what was checked.</summary>
public sealed record BundleVerification
{
    /// <summary>Every defect, in the order found (archive, signature, files, layout, catalogue, hosts, findings).</summary>
    public required IReadOnlyList<BundleProblem> Problems { get; init; }
    /// <summary>The manifest, when it parsed.</summary>
    public ManifestDocument? Manifest { get; init; }
    /// <summary>The signature, when there was one to check.</summary>
    public SignatureCheck? Signature { get; init; }
    /// <summary>What was checked and held.</summary>
    public required VerificationCounts Counts { get; init; }
    /// <summary>Every host folder, in agent id order, with its reports.</summary>
    public IReadOnlyList<HostSummary> Hosts { get; init; } = [];
    /// <summary>What the aggregator flagged and verification confirmed as flagged (not problems).</summary>
    public IReadOnlyList<BundleFlag> Flags { get; init; } = [];
    /// <summary>Every check performed, in the order made, with its outcome.</summary>
    public IReadOnlyList<CheckOutcome> Checks { get; init; } = [];

    /// <summary>True when nothing is wrong and the signer is anchored in the trusted certificate.</summary>
    public bool Verified => Problems.Count == 0 && Signature is { Anchored: true };
}

/// <summary>Tallies of what verification covered.</summary>
public sealed class VerificationCounts
{
    /// <summary>Files the manifest lists whose hash matched.</summary>
    public int FilesMatched { get; internal set; }
    /// <summary>Host folders.</summary>
    public int Hosts { get; internal set; }
    /// <summary>Hosts enrolled with a TPM.</summary>
    public int HostsWithTpm { get; internal set; }
    /// <summary>Reports.</summary>
    public int Reports { get; internal set; }
    /// <summary>Reports of hosts enrolled without a TPM (no quote to check).</summary>
    public int ReportsWithoutTpm { get; internal set; }
    /// <summary>Quotes whose signature, nonce binding and PCR digest verified.</summary>
    public int QuotesVerified { get; internal set; }
    /// <summary>Event logs that replayed to the quoted PCRs.</summary>
    public int EventLogsReplayed { get; internal set; }
    /// <summary>Quoted reports that carry no event log (the agent could not read one), so there was none to replay.</summary>
    public int EventLogsAbsent { get; internal set; }
    /// <summary>Reports whose verdicts.json the re-evaluation reproduced byte for byte.</summary>
    public int VerdictsReproduced { get; internal set; }
    /// <summary>Rows of <c>audit.jsonl</c> whose place and SHA-256 in the hash chain hold.</summary>
    public int AuditRows { get; internal set; }

    /// <summary>How many event logs replayed, and why the others had none to replay (a quoted report without a log is not a failure).</summary>
    public string DescribeEventLogs() => VerificationChecks.EventLogDetail(this);

    /// <summary>Adds the tallies of one part of the bundle (a host verified on its own).</summary>
    internal void Add(VerificationCounts part)
    {
        FilesMatched += part.FilesMatched;
        Hosts += part.Hosts;
        HostsWithTpm += part.HostsWithTpm;
        Reports += part.Reports;
        ReportsWithoutTpm += part.ReportsWithoutTpm;
        QuotesVerified += part.QuotesVerified;
        EventLogsReplayed += part.EventLogsReplayed;
        EventLogsAbsent += part.EventLogsAbsent;
        VerdictsReproduced += part.VerdictsReproduced;
    }
}

/// <summary>One check the verifier made, and how it came out.</summary>
/// <param name="Name">What was checked, in words.</param>
/// <param name="Outcome"><see cref="Passed"/>, <see cref="Failed"/> or <see cref="NotChecked"/>.</param>
/// <param name="Detail">What it covered or why it could not be made.</param>
public sealed record CheckOutcome(string Name, string Outcome, string Detail)
{
    /// <summary>The check holds.</summary>
    public const string Passed = "passed";
    /// <summary>The check does not hold (the problems say where).</summary>
    public const string Failed = "failed";
    /// <summary>The check could not be made.</summary>
    public const string NotChecked = "not-checked";
}
