using System.Globalization;

namespace WeightGuard.Core;

/// <summary>Durations written as a number and a unit: <c>90s</c>, <c>30m</c>, <c>24h</c>, <c>7d</c>.</summary>
public static class Durations
{
    /// <summary>Parses a duration.</summary>
    /// <exception cref="FormatException">Not a positive number followed by s, m, h or d.</exception>
    public static TimeSpan Parse(string? text)
    {
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length >= 2 && long.TryParse(trimmed[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and < 100_000)
            switch (trimmed[^1])
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
                case 'd': return TimeSpan.FromDays(n);
            }
        throw new FormatException($"'{text}' is not a duration like 30m, 24h or 7d");
    }
}
