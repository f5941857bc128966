namespace WeightGuard.Core.Catalog;

/// <summary>An approved exception: a failing control on matching hosts reports <c>waived</c> until it expires.</summary>
public sealed record Waiver
{
    /// <summary>The control waived.</summary>
    public required string ControlId { get; init; }
    /// <summary>Hostname glob (<c>*</c> and <c>?</c>), e.g. <c>gpu-lab-*</c>.</summary>
    public required string HostPattern { get; init; }
    /// <summary>Why the risk is accepted.</summary>
    public required string Justification { get; init; }
    /// <summary>Who accepted it.</summary>
    public required string Approver { get; init; }
    /// <summary>Last day (UTC) the waiver holds.</summary>
    public required DateOnly Expires { get; init; }
    /// <summary>Where it was defined.</summary>
    public required SourceLocation Source { get; init; }

    /// <summary>Whether the waiver covers <paramref name="hostname"/> (case-insensitive glob).</summary>
    public bool Matches(string hostname) => Glob.IsMatch(HostPattern, hostname);

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
