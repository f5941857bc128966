namespace WeightGuard.Core.Protocol;

/// <summary>
/// The name a host enrols with, which is its identity at the aggregator: an RFC 1123 host name (dot-separated labels of
/// 1 to 63 letters, digits and hyphens, no label starting or ending with a hyphen), at most 253 characters.
/// </summary>
public static class HostNames
{
    /// <summary>Longest name.</summary>
    public const int MaxLength = 253;

    /// <summary>Null when <paramref name="name"/> is a valid host name; otherwise why not (never echoing control characters).</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "the host name is empty";
        if (name.Length > MaxLength) return $"the host name has {name.Length} characters; at most {MaxLength} are allowed";
        if (name.Any(char.IsControl)) return "the host name holds a control character (NUL, newline, …)";
        foreach (var label in name.Split('.'))
        {
            if (label.Length is 0 or > 63) return $"'{name}' is not an RFC 1123 host name: each dot-separated label must have 1 to 63 characters";
            if (label[0] == '-' || label[^1] == '-') return $"'{name}' is not an RFC 1123 host name: a label cannot start or end with '-'";
            if (!label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
                return $"'{name}' is not an RFC 1123 host name: only letters, digits, '-' and '.' are allowed";
        }
        return null;
    }
}
