namespace WeightGuard.Core.Checks.Kinds;

/// <summary>
/// auditd runs and a watch with read permission covers every weight file (the file, its link target, or a watched
/// directory above either), so each read of the weights leaves an audit record. Not applicable without weight files.
/// </summary>
public sealed class WeightReadsAuditedCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "weight-reads-audited";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } = [];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Weights, "weights", out var weights) is { } noWeights) return noWeights;
        if (context.Domain(e => e.Logging, "logging", out var logging) is { } missing) return missing;
        if (weights.Files.Count == 0) return CheckOutcome.NotApplicable("no weight files on this host", EvidencePointer.To("weights", "files"));
        if (logging.AuditdRunning == false) return CheckOutcome.Fail("auditd is not running, so no file access is audited", EvidencePointer.To("logging", "auditdRunning"));
        var readWatches = logging.Watches.Where(w => w.Permissions.Contains('r')).ToList();
        bool Covered(string? path) => path is not null && readWatches.Any(w => w.Path == path || (w.Subtree && path.StartsWith(w.Path == "/" ? "/" : w.Path + "/", StringComparison.Ordinal)));
        var uncovered = weights.Files.Select((f, i) => (f, i)).Where(x => !Covered(x.f.Path) && !Covered(x.f.Target)).ToList();
        if (uncovered.Count == 0)
            return CheckOutcome.Pass($"reads of all {weights.Files.Count} weight file(s) are audited", EvidencePointer.To("logging", "watches"));
        return CheckOutcome.Fail(
            $"{uncovered.Count} of {weights.Files.Count} weight file(s) have no audit watch for reads, e.g. {string.Join(", ", uncovered.Take(3).Select(x => x.f.Path))}" +
            (logging.Watches.Count == 0 ? " (no file watches are configured at all)" : ""),
            [.. uncovered.Take(20).Select(x => EvidencePointer.To("weights", "files", x.i)), EvidencePointer.To("logging", "watches")]);
    }
}
