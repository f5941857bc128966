using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Reports;

namespace WeightGuard.Reporting;

/// <summary>
/// The words every renderer (HTML, terminal, JUnit, dashboard) puts around a finding, so that each says the same: what to
/// do next, and which framework clauses the control answers.
/// </summary>
public static class FindingText
{
    /// <summary>The label of the remediation a failed, waived or manual result carries.</summary>
    public const string RemediationLabel = "Remediation";

    /// <summary>The label of the guidance an <c>error</c> result carries: the steps that let WeightGuard check the control.</summary>
    public const string GuidanceLabel = "To let WeightGuard check it";

    /// <summary>
    /// What to do next and its label: the remediation for a result that did not hold, the guidance for one that could not
    /// be checked; null when there is nothing to do (a pass, or a report made before guidance existed).
    /// </summary>
    public static (string Label, string Text)? NextStep(ControlResult result) => result.Status == ControlStatus.Error
        ? result.Guidance is { } guidance ? (GuidanceLabel, guidance) : null
        : result.Remediation is { } remediation ? (RemediationLabel, remediation) : null;

    /// <summary>The clauses the control answers, one line each: the framework, then the document, place and mapping status.</summary>
    public static IEnumerable<string> Clauses(ControlResult result) =>
        result.References.SelectMany(kv => kv.Value.Select(clause => $"{FrameworkName(kv.Key)}: {clause}"));

    /// <summary>A framework id as people say it (<c>nist-800-53</c> → NIST SP 800-53).</summary>
    public static string FrameworkName(string framework) => framework switch
    {
        "rand" => "RAND", "ncsc" => "NCSC", "dsit" => "DSIT", "nist-800-53" => "NIST SP 800-53", "cis" => "CIS", "iso-27001" => "ISO/IEC 27001",
        _ => framework,
    };
}
