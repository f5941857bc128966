namespace WeightGuard.Core.Catalog;

/// <summary>An approved exception: a failing control on matching hosts reports <c>waived</c> until it expires.</summary>
public sealed record Waiver
{
    /// <summary>The control waived.</summary>
    public required string ControlId { get; init; }
    /// <summary>Host-name glob (<c>*</c> and <c>?</c>) on the enrolled name, e.g. <c>gpu-lab-*</c>.</summary>
    public required string HostPattern { get; init; }
    /// <summary>Labels a host must also carry to be covered (none by default).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    /// <summary>Why the risk is accepted.</summary>
    public required string Justification { get; init; }
    /// <summary>Who accepted it.</summary>
    public required string Approver { get; init; }
    /// <summary>Last day (UTC) the waiver holds.</summary>
    public required DateOnly Expires { get; init; }
    /// <summary>Where it was defined.</summary>
    public required SourceLocation Source { get; init; }
    /// <summary>When it was recorded (waivers stored at the aggregator); it does not apply to judgements made before. Null: always existed.</summary>
    public DateTimeOffset? RecordedAt { get; init; }
    /// <summary>When it was withdrawn, or null; judgements from then on ignore it.</summary>
    public DateTimeOffset? WithdrawnAt { get; init; }
    /// <summary>Its id (a stored waiver's, kept when exported); null for a catalogue waiver, known by where it is written.</summary>
    public string? Id { get; init; }

    /// <summary>What judgements that relied on it call it: its id, else what it waives where until when (the same wherever the file is loaded from).</summary>
    public string Identity => Id ?? $"{ControlId} on {Hosts} until {Expires:yyyy-MM-dd}";

    /// <summary>The hosts it covers.</summary>
    public HostSelector Hosts => new(HostPattern, Labels);

    /// <summary>Whether the waiver covers <paramref name="host"/> (its enrolled name and labels).</summary>
    public bool Matches(HostSubject host) => Hosts.Matches(host);

    /// <summary>Whether it had been recorded and not withdrawn at <paramref name="now"/> (expired or not).</summary>
    public bool Existed(DateTimeOffset now) => (RecordedAt is not { } r || r <= now) && (WithdrawnAt is not { } w || now < w);

    /// <summary>Whether it has expired at <paramref name="now"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime) > Expires;
}

/// <summary>Shell-style globs with <c>*</c> and <c>?</c>, matched without regular expressions (no catastrophic backtracking).</summary>
public static class Glob
{
    /// <summary>Matches <paramref name="text"/> against <paramref name="pattern"/>, ignoring case.</summary>
    public static bool IsMatch(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(text[t]))) { p++; t++; }
            else if (p < pattern.Length && pattern[p] == '*') { star = p++; mark = t; }
            else if (star >= 0) { p = star + 1; t = ++mark; }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
