using System.Security.Cryptography.X509Certificates;

namespace WeightGuard.Evidence;

/// <summary>
/// An auditor's record of one verification (<c>weightguard evidence verify</c>): what was verified, when, by which tool,
/// against which trust anchor, every check with its outcome, every host and report, what the aggregator flagged, and every
/// problem named by host and file. Rendered as text, JSON or HTML; the JSON is this record.
/// </summary>
/// <param name="Tool">The verifying tool and its version.</param>
/// <param name="VerifiedAt">When the verification ran (UTC).</param>
/// <param name="Bundle">The bundle as named on the command line.</param>
/// <param name="Verified">True when every check holds, the signer is anchored and, when asked, the export chain holds.</param>
/// <param name="Manifest">The manifest's statements, when it could be read.</param>
/// <param name="Signer">The bundle's signer, when the signature carried one.</param>
/// <param name="Trust">The trust anchor given, when one was.</param>
/// <param name="Previous">The check of the link to the previous export, when one was asked for.</param>
/// <param name="Counts">What was covered.</param>
/// <param name="Checks">Every check with its outcome.</param>
/// <param name="Hosts">Every host with its reports.</param>
/// <param name="Flags">What the aggregator flagged (not problems).</param>
/// <param name="Problems">Every problem.</param>
public sealed record WorkingPaper(string Tool, DateTimeOffset VerifiedAt, string Bundle, bool Verified, ManifestStatement? Manifest, CertificateStatement? Signer,
    CertificateStatement? Trust, ExportChainCheck? Previous, VerificationCounts Counts, IReadOnlyList<CheckOutcome> Checks, IReadOnlyList<WorkingPaperHost> Hosts,
    IReadOnlyList<WorkingPaperItem> Flags, IReadOnlyList<WorkingPaperItem> Problems)
{
    /// <summary>The working paper of <paramref name="result"/>.</summary>
    public static WorkingPaper Of(BundleVerification result, string tool, DateTimeOffset verifiedAt, string bundle, X509Certificate2? trust, ExportChainCheck? previous)
    {
        var names = result.Hosts.ToDictionary(h => h.AgentId, h => h.Name, StringComparer.Ordinal);
        WorkingPaperItem Item(string file, string kind, string text)
        {
            var place = BundleLayout.Classify(file);
            return new WorkingPaperItem(place.AgentId is { } agent ? names.GetValueOrDefault(agent) : null, place.AgentId, place.ReportId, file, kind, text);
        }
        var checks = result.Checks.ToList();
        var problems = result.Problems.Select(p => Item(p.File, "problem", p.Defect)).ToList();
        if (previous is not null)
        {
            checks.Add(new CheckOutcome("Export chain: this bundle follows the previous bundle given (--previous)", previous.Holds ? CheckOutcome.Passed : CheckOutcome.Failed, previous.Detail));
            if (!previous.Holds) problems.Add(new WorkingPaperItem(null, null, null, BundleLayout.Manifest, "problem", $"export chain to {previous.PreviousBundle}: {previous.Detail}"));
        }
        var s = result.Signature;
        return new WorkingPaper(tool, verifiedAt, bundle, result.Verified && previous is not { Holds: false },
            result.Manifest is { } m ? new ManifestStatement(m.Schema, m.CreatedAt, m.Producer, m.PreviousManifestSha256, m.Files.Count) : null,
            s is { Subject: { } subject } ? new CertificateStatement(subject, s.Sha256Fingerprint!, s.SignatureVerified, s.ChainChecked ? s.Anchored : null) : null,
            trust is null ? null : new CertificateStatement(trust.Subject, ManifestSignature.Fingerprint(trust)),
            previous, result.Counts, checks,
            result.Hosts.Select(h => new WorkingPaperHost(h.Name, h.AgentId, h.Attestation, h.FirstReport, h.LastReport, h.Reports)).ToList(),
            result.Flags.Select(f => Item(f.File, f.Kind, f.Detail)).ToList(), problems);
    }
}

/// <summary>What the manifest states.</summary>
/// <param name="Schema">Its schema.</param>
/// <param name="CreatedAt">When the export was made.</param>
/// <param name="Producer">Who made it.</param>
/// <param name="PreviousManifestSha256">The previous export's manifest hash, chaining exports; null for the first.</param>
/// <param name="Files">How many files it lists.</param>
public sealed record ManifestStatement(string Schema, DateTimeOffset CreatedAt, string Producer, string? PreviousManifestSha256, int Files);

/// <summary>A certificate as the working paper names it.</summary>
/// <param name="Subject">Its subject.</param>
/// <param name="Sha256Fingerprint">SHA-256 of its DER, <c>AB:CD:…</c>.</param>
/// <param name="SignatureVerified">For the signer: whether its signature over the manifest verifies.</param>
/// <param name="Anchored">For the signer: whether it chains to the trust anchor; null when that was not checked.</param>
public sealed record CertificateStatement(string Subject, string Sha256Fingerprint, bool? SignatureVerified = null, bool? Anchored = null);

/// <summary>One host in the working paper.</summary>
/// <param name="Name">The name it enrolled with (null when <c>host.json</c> could not be read).</param>
/// <param name="AgentId">Its agent id.</param>
/// <param name="Attestation"><c>tpm</c> or <c>none</c>.</param>
/// <param name="FirstReport">The earliest report's finish time.</param>
/// <param name="LastReport">The latest report's finish time.</param>
/// <param name="Reports">Its reports.</param>
public sealed record WorkingPaperHost(string? Name, string AgentId, string? Attestation, DateTimeOffset? FirstReport, DateTimeOffset? LastReport,
    IReadOnlyList<ReportSummary> Reports);

/// <summary>A problem or flag, named by host and file.</summary>
/// <param name="Host">The host's enrolled name, when the file belongs to a host whose <c>host.json</c> could be read.</param>
/// <param name="AgentId">The host's agent id, when the file belongs to a host.</param>
/// <param name="ReportId">The report, when the file belongs to one.</param>
/// <param name="File">The bundle path (or <c>bundle</c>).</param>
/// <param name="Kind"><c>problem</c>, or the kind of flag.</param>
/// <param name="Text">What is wrong, or what was flagged.</param>
public sealed record WorkingPaperItem(string? Host, string? AgentId, string? ReportId, string File, string Kind, string Text);
