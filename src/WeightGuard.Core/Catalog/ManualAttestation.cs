namespace WeightGuard.Core.Catalog;

/// <summary>
/// A person's statement that a manual control holds on the hosts it covers. While in force, that control is
/// <c>attested</c> there (never <c>pass</c>: a person vouched for it, the agent did not observe it).
/// </summary>
public sealed record ManualAttestation
{
    /// <summary>The manual control attested.</summary>
    public required string ControlId { get; init; }
    /// <summary>The hosts it covers.</summary>
    public required HostSelector Hosts { get; init; }
    /// <summary>What the attestor states.</summary>
    public required string Statement { get; init; }
    /// <summary>Where the proof is: a URL or <c>sha256:</c> of a document; null when none was given.</summary>
    public string? EvidenceRef { get; init; }
    /// <summary>Who attests (at the aggregator, the API token's name).</summary>
    public required string Attestor { get; init; }
    /// <summary>When it was recorded; it is not in force before.</summary>
    public required DateTimeOffset RecordedAt { get; init; }
    /// <summary>When it stops being in force.</summary>
    public required DateTimeOffset Expires { get; init; }
    /// <summary>When it was withdrawn, or null; it is not in force from then on.</summary>
    public DateTimeOffset? WithdrawnAt { get; init; }
    /// <summary>Its identity: the aggregator's id, or the file and line it came from.</summary>
    public required string Id { get; init; }

    /// <summary>Whether it is in force at <paramref name="now"/>.</summary>
    public bool InForce(DateTimeOffset now) => RecordedAt <= now && now < Expires && (WithdrawnAt is not { } w || now < w);
}
