namespace WeightGuard.Aggregator.Storage;

/// <summary>A host's state as the filters and tables name it.</summary>
public static class HostState
{
    /// <summary>The latest report has no failed and no erred control.</summary>
    public const string Compliant = "compliant";
    /// <summary>The latest report has a failed or erred control.</summary>
    public const string Failing = "failing";
    /// <summary>Enrolled but no report yet.</summary>
    public const string NotReported = "not-reported";
    /// <summary>Its certificate was revoked.</summary>
    public const string Revoked = "revoked";

    /// <summary>Every state, in the order the filter offers them.</summary>
    public static IReadOnlyList<string> All { get; } = [Compliant, Failing, NotReported, Revoked];

    /// <summary>The state of <paramref name="host"/>.</summary>
    public static string Of(HostRow host) =>
        host.RevokedAt is not null ? Revoked
        : host.Latest is not { } latest ? NotReported
        : latest.Summary.Fail + latest.Summary.Error == 0 ? Compliant : Failing;

    /// <summary>Orders severities, most severe first.</summary>
    public static int SeverityRank(string severity) => severity switch
    {
        "critical" => 0, "high" => 1, "medium" => 2, "low" => 3, _ => 4,
    };
}
