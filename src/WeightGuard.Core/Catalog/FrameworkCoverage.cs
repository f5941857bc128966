namespace WeightGuard.Core.Catalog;

/// <summary>How a framework measure is evidenced by the catalogue.</summary>
public enum CoverageStatus
{
    /// <summary>At least one automated control checks it on the host, mapping direct or partial.</summary>
    Covered,
    /// <summary>Only manual controls answer it directly or in part: people attest it.</summary>
    ManualAttestation,
    /// <summary>No control answers it, or only controls derived from it (related, but not the measure itself).</summary>
    NotCovered,
}

/// <summary>A control that answers a measure, with how closely.</summary>
/// <param name="Id">The control id.</param>
/// <param name="Mapping">direct, partial or derived.</param>
/// <param name="Manual">True when a person attests it (check kind <c>manual</c>).</param>
public sealed record CoveringControl(string Id, string Mapping, bool Manual);

/// <summary>One measure and the controls that evidence it.</summary>
/// <param name="Measure">The measure.</param>
/// <param name="Status">Covered, manual attestation or not covered.</param>
/// <param name="Controls">The controls citing it, by id.</param>
public sealed record MeasureCoverage(FrameworkMeasure Measure, CoverageStatus Status, IReadOnlyList<CoveringControl> Controls)
{
    /// <summary>The status as the coverage listing words it.</summary>
    public string StatusText => Status switch
    {
        CoverageStatus.Covered => "covered",
        CoverageStatus.ManualAttestation => "organisational — manual attestation",
        _ => Controls.Count > 0 ? "not covered (only derived controls)" : "not covered",
    };
}

/// <summary>Which controls evidence each measure of a framework.</summary>
public static class FrameworkCoverage
{
    /// <summary>One row per measure, in the framework's order.</summary>
    public static IReadOnlyList<MeasureCoverage> Compute(FrameworkDefinition framework, Catalog catalog) => framework.Measures
        .Select(m =>
        {
            var controls = catalog.Controls.Values
                .SelectMany(c => c.Citations.Where(r => r.Framework == framework.Id && r.Measure == m.Id)
                    .Select(r => new CoveringControl(c.Id, r.MappingName, c.Check.Kind == "manual")))
                .DistinctBy(c => c.Id).ToList();
            // a derived control is our judgement of what the measure implies, not the measure: it never counts as covering it
            var answering = controls.Where(c => c.Mapping != "derived").ToList();
            var status = answering.Any(c => !c.Manual) ? CoverageStatus.Covered
                : answering.Count > 0 ? CoverageStatus.ManualAttestation : CoverageStatus.NotCovered;
            return new MeasureCoverage(m, status, controls);
        }).ToList();
}
