namespace WeightGuard.Core.Catalog;

/// <summary>Whether a measure is something a host can show, or something only the organisation can.</summary>
public enum MeasureScope
{
    /// <summary>An agent on the host can observe or evidence it.</summary>
    Host,
    /// <summary>Only people and records can show it (policy, process, facilities).</summary>
    Organisational,
}

/// <summary>One measure of a framework: a RAND table row, an NCSC heading, a DSIT principle or provision.</summary>
/// <param name="Id">Stable id that control references name in <c>measure</c>, e.g. <c>sl3.gold-image</c> or <c>5.4.2</c>.</param>
/// <param name="Place">Where it is in the document, e.g. <c>table 6.3, configuration management</c>.</param>
/// <param name="Text">What the measure asks, in the source's words where they were read (see <see cref="Wording"/>).</param>
/// <param name="Scope">Host or organisational.</param>
/// <param name="Level">For RAND, the security level (1–5) whose table lists it.</param>
/// <param name="Wording"><c>transcription</c> or <c>paraphrase</c> where the source's own text was not read; null where it was.</param>
public sealed record FrameworkMeasure(string Id, string Place, string Text, MeasureScope Scope, int? Level, string? Wording);

/// <summary>A framework's measures, one file in <c>frameworks/</c>.</summary>
/// <param name="Id">The framework key (rand, ncsc, dsit) that references use.</param>
/// <param name="Title">Its title.</param>
/// <param name="Source">The document and version, as references cite it.</param>
/// <param name="Reading">What of the source was read, and what was not.</param>
/// <param name="Measures">The measures in document order.</param>
/// <param name="Location">Where it was defined.</param>
public sealed record FrameworkDefinition(string Id, string Title, string Source, string Reading, IReadOnlyList<FrameworkMeasure> Measures, SourceLocation Location);

/// <summary>One row of the corrections the catalogue's review asked for, with the answer and the source's words.</summary>
/// <param name="Controls">The controls concerned.</param>
/// <param name="Cited">What they cited before.</param>
/// <param name="Problem">What the review found.</param>
/// <param name="Now">What they cite now.</param>
/// <param name="SourceWords">The source's own words that decide it, or a statement that the source could not be read.</param>
public sealed record CitationCorrection(IReadOnlyList<string> Controls, string Cited, string Problem, string Now, string SourceWords);
