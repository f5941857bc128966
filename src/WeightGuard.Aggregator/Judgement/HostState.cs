using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Aggregator.Judgement;

/// <summary>
/// A host's state against one assigned profile, the words every page and the API use. The first that holds, in this order:
/// revoked, untrusted, no-report, stale, failing, compliant.
/// </summary>
public static class HostState
{
    /// <summary>The latest report, judged now, has no failed and no erred control.</summary>
    public const string Compliant = "compliant";
    /// <summary>The latest report, judged now, has a failed or erred control.</summary>
    public const string Failing = "failing";
    /// <summary>No report accepted within the policy's <c>staleAfter</c>: never compliant, whatever it last said.</summary>
    public const string Stale = "stale";
    /// <summary>The last submission's attestation failed (after the latest accepted report), or the PCRs drifted from the baseline.</summary>
    public const string Untrusted = "untrusted";
    /// <summary>Enrolled, nothing accepted yet.</summary>
    public const string NoReport = "no-report";
    /// <summary>Its certificate was revoked.</summary>
    public const string Revoked = "revoked";

    /// <summary>Every state, worst first as far as a person must act.</summary>
    public static IReadOnlyList<string> All { get; } = [Failing, Untrusted, Stale, NoReport, Revoked, Compliant];

    /// <summary>The state of <paramref name="host"/> against one of its assessments (null: the host as a whole, its worst).</summary>
    public static string Of(HostRow host, ProfileAssessment? assessment, FleetPolicy policy, DateTimeOffset now)
    {
        if (host.RevokedAt is not null) return Revoked;
        if (host.PcrDrift || host.LastRefusal is { } refused && (host.Latest is null || refused.At > host.Latest.ReceivedAt)) return Untrusted;
        if (host.Latest is not { } latest) return NoReport;
        if (now - latest.ReceivedAt > policy.StaleAfter) return Stale;
        var failing = assessment is null ? host.Assessments.Any(IsFailing) : IsFailing(assessment);
        return failing ? Failing : Compliant;
    }

    private static bool IsFailing(ProfileAssessment a) => a.Failed + a.Errors > 0;

    /// <summary>Orders severities, most severe first.</summary>
    public static int SeverityRank(string severity) => severity switch
    {
        "critical" => 0, "high" => 1, "medium" => 2, "low" => 3, _ => 4,
    };
}
