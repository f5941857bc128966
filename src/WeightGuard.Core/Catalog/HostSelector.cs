namespace WeightGuard.Core.Catalog;

/// <summary>
/// Which hosts a waiver, a manual attestation or a policy assignment covers: a glob on the host's enrolled name and
/// labels it must carry. Both must hold; an absent glob admits every name.
/// </summary>
/// <param name="Hosts">Name glob (<c>*</c> and <c>?</c>, any case), or null for every name.</param>
/// <param name="Labels">Labels the host must carry, as <c>key: value</c> (a host label <c>key=value</c>).</param>
public sealed record HostSelector(string? Hosts, IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>Every host.</summary>
    public static HostSelector Everyone { get; } = new("*", new Dictionary<string, string>());

    /// <summary>Whether <paramref name="host"/> is covered.</summary>
    public bool Matches(HostSubject host) =>
        (Hosts is null || Glob.IsMatch(Hosts, host.Name)) && Labels.All(l => host.HasLabel(l.Key, l.Value));

    /// <summary>How people read it: <c>gpu-* with role=inference</c>.</summary>
    public override string ToString() =>
        (Hosts ?? "*") + (Labels.Count == 0 ? "" : " with " + string.Join(", ", Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")));
}

/// <summary>
/// The host being judged as waivers, attestations and policy see it: at the aggregator its enrolled name and the labels
/// admins gave it (never the name a report claims); on a local scan the host's own name.
/// </summary>
/// <param name="Name">The host's name.</param>
/// <param name="Labels">Its labels, <c>key=value</c> or a bare word.</param>
public sealed record HostSubject(string Name, IReadOnlyList<string> Labels)
{
    /// <summary>A host known only by its name.</summary>
    public static HostSubject Named(string name) => new(name, []);

    /// <summary>Whether it carries <c>key=value</c> (or the bare word <paramref name="key"/> when the value is empty).</summary>
    public bool HasLabel(string key, string value) =>
        Labels.Contains(value.Length == 0 ? key : $"{key}={value}", StringComparer.Ordinal);
}
