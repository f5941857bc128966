namespace WeightGuard.Core.Catalog;

/// <summary>A profile as written in <c>profiles/</c>: a selection of controls, perhaps extending another profile.</summary>
public sealed record ProfileDefinition
{
    /// <summary>Identifier, e.g. <c>rand-sl3</c>.</summary>
    public required string Id { get; init; }
    /// <summary>Human title.</summary>
    public required string Title { get; init; }
    /// <summary>What the profile is for.</summary>
    public required string Description { get; init; }
    /// <summary>The profile this one adds to, or null.</summary>
    public string? Extends { get; init; }
    /// <summary>Controls this profile adds.</summary>
    public required IReadOnlyList<string> Controls { get; init; }
    /// <summary>Parameter overrides per control id.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, ParamValue>> Params { get; init; }
    /// <summary>Where it was defined.</summary>
    public required SourceLocation Source { get; init; }
}

/// <summary>A profile with its chain of parents folded in: every control it requires, with final parameters.</summary>
/// <param name="Definition">The profile asked for.</param>
/// <param name="Controls">Its controls, parents' first, in catalogue order within each profile.</param>
/// <param name="Params">The effective parameters per control id (control defaults, then each profile from the root down).</param>
/// <param name="Digest">SHA-256 over the source text of the profile chain and of every control it uses.</param>
public sealed record ResolvedProfile(
    ProfileDefinition Definition,
    IReadOnlyList<ControlDefinition> Controls,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, ParamValue>> Params,
    string Digest);
