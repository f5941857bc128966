namespace WeightGuard.Core.Catalog;

/// <summary>One rule of a fleet policy: the hosts it covers and the profiles they are judged against.</summary>
/// <param name="Hosts">The hosts covered (enrolled name glob and/or labels).</param>
/// <param name="Profiles">Profiles every covered host is judged against.</param>
public sealed record PolicyAssignment(HostSelector Hosts, IReadOnlyList<string> Profiles);

/// <summary>
/// What the fleet is held to, set centrally by admins: which profiles each host is judged against (the union of every
/// assignment that covers it) and how long a host may stay silent before it is <c>stale</c>. The host never picks its
/// own bar: the profile an agent scanned with only shapes what it prints locally.
/// </summary>
/// <param name="StaleAfter">A host with no accepted report for longer than this is stale.</param>
/// <param name="Assignments">The rules, in file order.</param>
/// <param name="Text">The policy as written (YAML), kept so people can diff it.</param>
public sealed record FleetPolicy(TimeSpan StaleAfter, IReadOnlyList<PolicyAssignment> Assignments, string Text)
{
    /// <summary>The profile a host that no assignment covers is judged against (and shown as unassigned).</summary>
    public const string UnassignedProfile = "rand-sl1";

    /// <summary>The policy before an admin applies one: nothing assigned, stale after three hours (an hourly agent may miss two scans).</summary>
    public static FleetPolicy Default { get; } = new(TimeSpan.FromHours(3), [], "staleAfter: 3h\nassignments: []\n");

    /// <summary>
    /// Enrolment needs a TPM whose EK certificate chains to a manufacturer CA, and every report a verified quote
    /// (<c>requireEkCertificate</c>; the policy's form of <c>serve --require-ek-certificate</c>).
    /// </summary>
    public bool RequireEkCertificate { get; init; }

    /// <summary>Every report needs a verified quote; reports from agents enrolled without a TPM are refused (<c>requireAttestation</c>).</summary>
    public bool RequireAttestation { get; init; }

    /// <summary>The profiles <paramref name="host"/> is judged against, in first-assigned order, and whether any assignment covered it.</summary>
    public (IReadOnlyList<string> Profiles, bool Assigned) ProfilesFor(HostSubject host)
    {
        var profiles = Assignments.Where(a => a.Hosts.Matches(host)).SelectMany(a => a.Profiles).Distinct(StringComparer.Ordinal).ToList();
        return profiles.Count == 0 ? ([UnassignedProfile], false) : (profiles, true);
    }
}
