namespace WeightGuard.Core.Catalog;

/// <summary>Where a catalogue item was read from, for <c>file:line</c> messages.</summary>
/// <param name="File">The file (or embedded resource) name.</param>
/// <param name="Line">The 1-based line.</param>
public readonly record struct SourceLocation(string File, int Line)
{
    /// <inheritdoc />
    public override string ToString() => $"{File}:{Line}";
}

/// <summary>The check a control runs: a kind implemented in code, with its parameters.</summary>
/// <param name="Kind">The check kind (see <c>CheckRegistry</c>).</param>
/// <param name="Params">Parameter values as written in the control; profiles may override them.</param>
public sealed record CheckSpec(string Kind, IReadOnlyDictionary<string, ParamValue> Params);

/// <summary>How to fix a failing control, per platform.</summary>
/// <param name="Linux">Steps on Linux.</param>
/// <param name="Windows">Steps on Windows, or null where the control is Linux-only.</param>
public sealed record Remediation(string Linux, string? Windows);

/// <summary>One control of the catalogue: one YAML file in <c>controls/</c>.</summary>
public sealed record ControlDefinition
{
    /// <summary>Stable identifier, e.g. <c>WG-DISK-001</c>.</summary>
    public required string Id { get; init; }
    /// <summary>One-line statement of what must hold.</summary>
    public required string Title { get; init; }
    /// <summary>The area it belongs to (disk-encryption, access-control, …).</summary>
    public required string Domain { get; init; }
    /// <summary>What the control requires, in a paragraph.</summary>
    public required string Description { get; init; }
    /// <summary>Why it matters for model weights.</summary>
    public required string Rationale { get; init; }
    /// <summary>How much a failure matters.</summary>
    public required Severity Severity { get; init; }
    /// <summary>The check that decides it.</summary>
    public required CheckSpec Check { get; init; }
    /// <summary>How to fix it.</summary>
    public required Remediation Remediation { get; init; }
    /// <summary>
    /// What to do so that WeightGuard can check the control when it errs (evidence missing or unreadable), e.g. run the
    /// agent as root, install a tool; null only for manual controls, which never err.
    /// </summary>
    public string? Guidance { get; init; }
    /// <summary>Platforms the control applies to (<c>linux</c>, <c>windows</c>).</summary>
    public required IReadOnlyList<string> Platforms { get; init; }
    /// <summary>How an auditor verifies the control by hand, commands included.</summary>
    public required string AuditCheck { get; init; }
    /// <summary>Why the control has its severity.</summary>
    public required string SeverityJustification { get; init; }
    /// <summary>Changes whenever the control's logic changes; reports carry it so old and new verdicts are not confused.</summary>
    public required int Revision { get; init; }
    /// <summary>The framework clauses it answers, each with its document version, place and mapping status.</summary>
    public required IReadOnlyList<FrameworkReference> Citations { get; init; }
    /// <summary>
    /// The clauses as reports show them, keyed by framework (rand, ncsc, dsit, nist-800-53): one
    /// <see cref="FrameworkReference.Display"/> string per reference.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> References => field ??= new SortedDictionary<string, IReadOnlyList<string>>(
        Citations.GroupBy(c => c.Framework, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(c => c.Display).ToList(), StringComparer.Ordinal),
        StringComparer.Ordinal);
    /// <summary>Where it was defined.</summary>
    public required SourceLocation Source { get; init; }

    /// <summary>The lowest RAND security level (1–5) that requires this control, or null when it names none.</summary>
    public int? RandLevel => Citations.Where(c => c.Framework == "rand").Select(c => c.Level).Min();
}

/// <summary>RAND security levels as written in references and summaries (<c>SL0</c>–<c>SL5</c>).</summary>
public static class RandLevels
{
    /// <summary>Parses <c>SL1</c>…<c>SL5</c>; null for anything else.</summary>
    public static int? Parse(string text) =>
        text.Length == 3 && text.StartsWith("SL", StringComparison.Ordinal) && text[2] is >= '1' and <= '5' ? text[2] - '0' : null;

    /// <summary>Formats a level as <c>SLn</c>.</summary>
    public static string Format(int level) => "SL" + level;
}
