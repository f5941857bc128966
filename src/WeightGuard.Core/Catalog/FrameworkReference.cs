namespace WeightGuard.Core.Catalog;

/// <summary>How closely a control answers the clause it cites.</summary>
public enum MappingStatus
{
    /// <summary>The source asks for exactly what the control checks.</summary>
    Direct,
    /// <summary>The control checks part of what the source asks.</summary>
    Partial,
    /// <summary>Our judgement of what the source implies on a host; the reference says why.</summary>
    Derived,
}

/// <summary>
/// One clause of a framework that a control answers: the document and its version, the exact place in it, the measure
/// of <c>frameworks/&lt;framework&gt;.yaml</c> it evidences, and how closely it maps.
/// </summary>
public sealed record FrameworkReference
{
    /// <summary>The framework key: rand, ncsc, dsit, nist-800-53, cis or iso-27001.</summary>
    public required string Framework { get; init; }
    /// <summary>The document with its version, e.g. <c>RAND RR-A2849-1 (2024)</c> or <c>NIST SP 800-53r5</c>.</summary>
    public required string Source { get; init; }
    /// <summary>Where in the document, e.g. <c>table 6.3</c>, <c>SC-28(1)</c>, <c>provision 5.4.2</c>.</summary>
    public required string Place { get; init; }
    /// <summary>The measure's id in the framework's measure list (for NIST, the control id).</summary>
    public required string Measure { get; init; }
    /// <summary>For RAND, the security level (1–5) that first lists the measure; null for other frameworks.</summary>
    public int? Level { get; init; }
    /// <summary>How closely the control maps.</summary>
    public required MappingStatus Mapping { get; init; }
    /// <summary>Why a derived mapping holds (one sentence); null unless <see cref="Mapping"/> is derived.</summary>
    public string? Why { get; init; }
    /// <summary>A caveat about the citation itself, e.g. that the source text could not be read.</summary>
    public string? Note { get; init; }

    /// <summary>The mapping status as written in YAML and reports.</summary>
    public string MappingName => Mapping.ToString().ToLowerInvariant();

    /// <summary>
    /// The reference as reports show it, e.g. <c>RAND RR-A2849-1 (2024) table 6.3: SL3 (derived)</c> or
    /// <c>NIST SP 800-53r5 SC-28(1) (direct)</c>.
    /// </summary>
    public string Display => Level is { } level
        ? $"{Source} {Place}: {RandLevels.Format(level)} ({MappingName})"
        : $"{Source} {Place} ({MappingName})";
}
