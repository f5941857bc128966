namespace WeightGuard.Aggregator.Storage;

/// <summary>
/// What the alert watch last saw of one host, the "before" of every transition it reports. Written only together with
/// the alerts it raised and only when <see cref="Version"/> is still the one read, so that of two aggregator instances
/// observing the same change, one raises it.
/// </summary>
/// <param name="AgentId">The host's agent.</param>
/// <param name="Version">Bumped at each write; the compare-and-set token.</param>
/// <param name="State">The host's own (worst) <see cref="Judgement.HostState"/>.</param>
/// <param name="Profiles">Its state per profile it is judged against.</param>
/// <param name="PcrDrift">Its latest verified quote differed from its PCR baseline.</param>
/// <param name="LastRefusalAt">When its last refused submission was recorded, or null.</param>
/// <param name="StrayPaths">Weight files its latest report found outside the approved weight paths, ordinal order.</param>
/// <param name="ObservedAt">When this was seen.</param>
public sealed record HostAlertState(string AgentId, long Version, string State, IReadOnlyDictionary<string, string> Profiles, bool PcrDrift,
    DateTimeOffset? LastRefusalAt, IReadOnlyList<string> StrayPaths, DateTimeOffset ObservedAt);

/// <summary>An alert as stored: who, what, when, and the event exactly as the sinks received it.</summary>
/// <param name="AlertId">The event id.</param>
/// <param name="At">When it was raised.</param>
/// <param name="AgentId">The host's agent.</param>
/// <param name="Hostname">The host's enrolled name.</param>
/// <param name="Type">The event type (<c>host.state-changed</c>, …).</param>
/// <param name="Severity">The event severity (<c>info</c> … <c>critical</c>).</param>
/// <param name="FromState">The host's state before.</param>
/// <param name="ToState">The host's state after.</param>
/// <param name="Body">The event as JSON (<c>weightguard.alert/v1</c>).</param>
public sealed record StoredAlert(Guid AlertId, DateTimeOffset At, string AgentId, string Hostname, string Type, string Severity, string FromState,
    string ToState, string Body);

/// <summary>Where one alert stands with one sink.</summary>
/// <param name="AlertId">The alert.</param>
/// <param name="Sink">The sink's configured name.</param>
/// <param name="Status"><c>queued</c>, <c>delivered</c>, <c>failed</c> (gave up) or <c>dropped</c> (the sink's queue was full).</param>
/// <param name="Attempts">Sends tried.</param>
/// <param name="Detail">The last outcome in words (an HTTP status, a socket error), or null.</param>
/// <param name="UpdatedAt">When the status was last set.</param>
public sealed record AlertDelivery(Guid AlertId, string Sink, string Status, int Attempts, string? Detail, DateTimeOffset UpdatedAt);

/// <summary>An alert with its delivery to every sink it was meant for.</summary>
/// <param name="Alert">The alert.</param>
/// <param name="Deliveries">One per sink whose minimum severity it met, by sink name.</param>
public sealed record AlertWithDeliveries(StoredAlert Alert, IReadOnlyList<AlertDelivery> Deliveries);
