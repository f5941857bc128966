namespace WeightGuard.Aggregator.Storage;

/// <summary>
/// Which hosts a fleet page counts and lists; a null field admits any host. With a profile, a host's state and counts
/// are those against that profile; without, its worst state and its counts over every profile it is judged against.
/// </summary>
/// <param name="Now">The instant states are computed at (staleness depends on it).</param>
/// <param name="StaleAfter">The policy's <c>staleAfter</c>.</param>
/// <param name="Profile">Hosts judged against this profile.</param>
/// <param name="Level">Hosts whose RAND host controls met this level.</param>
/// <param name="Label">Hosts carrying this label.</param>
/// <param name="State">Hosts in this state (the words of <c>HostState</c>).</param>
/// <param name="Search">Hosts whose enrolled name contains this (any case).</param>
public sealed record FleetQuery(DateTimeOffset Now, TimeSpan StaleAfter, string? Profile = null, string? Level = null, string? Label = null,
    string? State = null, string? Search = null);

/// <summary>The order of a fleet listing: a column (<c>name</c>, <c>state</c>, <c>rand</c>, <c>attested</c>, <c>failed</c>, <c>errors</c> or <c>last</c>), then the name, then the agent id.</summary>
/// <param name="Column">The column; null or unknown orders by name.</param>
/// <param name="Descending">The whole order reversed.</param>
public sealed record FleetOrder(string? Column = null, bool Descending = false);

/// <summary>One control failing or erring on the hosts counted.</summary>
/// <param name="ControlId">The control.</param>
/// <param name="Severity">Its severity.</param>
/// <param name="Failing">Hosts where it fails (under any profile counted).</param>
/// <param name="Erring">Hosts where it could not be judged.</param>
public sealed record FailingControl(string ControlId, string Severity, int Failing, int Erring);

/// <summary>Hosts judged against one profile, per state against it.</summary>
/// <param name="Profile">The profile.</param>
/// <param name="Hosts">Hosts judged against it.</param>
/// <param name="States">Of those, hosts per state.</param>
public sealed record ProfileCounts(string Profile, int Hosts, IReadOnlyDictionary<string, int> States);

/// <summary>A host that has not reported yet (whether the policy assigns it a profile is decided from its name and labels).</summary>
/// <param name="AgentId">The agent.</param>
/// <param name="Hostname">Its enrolled name.</param>
/// <param name="Labels">Its labels.</param>
public sealed record UnreportedHost(string AgentId, string Hostname, IReadOnlyList<string> Labels);

/// <summary>What the fleet overview counts, read from the current judgements kept at ingest: no verdict is re-judged to count.</summary>
/// <param name="Total">Hosts enrolled.</param>
/// <param name="Shown">Hosts the query admits.</param>
/// <param name="States">Of those, hosts per state.</param>
/// <param name="HostControlsMet">Of those with a judgement, hosts per RAND level whose host controls are met.</param>
/// <param name="Attested">Of those with a judgement, hosts per attested RAND level.</param>
/// <param name="Profiles">Per profile the admitted hosts are judged against, by profile id.</param>
/// <param name="UnassignedReported">Admitted hosts with a judgement that no policy assignment covers.</param>
/// <param name="Unreported">Admitted hosts without a report.</param>
/// <param name="Failing">Controls failing or erring on the admitted hosts (under the query's profile, if any), in no particular order.</param>
/// <param name="Labels">Every label in the fleet, in ordinal order.</param>
/// <param name="JudgedProfiles">Every profile some host is judged against, in ordinal order.</param>
public sealed record FleetCounts(int Total, int Shown, IReadOnlyDictionary<string, int> States, IReadOnlyDictionary<string, int> HostControlsMet,
    IReadOnlyDictionary<string, int> Attested, IReadOnlyList<ProfileCounts> Profiles, int UnassignedReported, IReadOnlyList<UnreportedHost> Unreported,
    IReadOnlyList<FailingControl> Failing, IReadOnlyList<string> Labels, IReadOnlyList<string> JudgedProfiles);

/// <summary>One control's current verdicts across the fleet: how many per status, and one page of them.</summary>
/// <param name="Statuses">Verdicts per status, over every host and profile.</param>
/// <param name="Matching">Verdicts the status filter admits.</param>
/// <param name="Verdicts">This page of them, by host name.</param>
public sealed record ControlVerdictPage(IReadOnlyDictionary<string, int> Statuses, int Matching, IReadOnlyList<ControlVerdictOnHost> Verdicts);
