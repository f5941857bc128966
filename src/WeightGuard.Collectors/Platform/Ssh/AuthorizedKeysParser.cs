namespace WeightGuard.Collectors.Platform.Ssh;

/// <summary>What an authorized_keys file holds, without the keys: how many, which types, how many restricted.</summary>
/// <param name="Keys">Number of key lines.</param>
/// <param name="KeyTypes">Distinct key types, sorted.</param>
/// <param name="Restricted">Keys with <c>restrict</c>, <c>command=</c> or <c>from=</c>.</param>
public sealed record AuthorizedKeysSummary(int Keys, IReadOnlyList<string> KeyTypes, int Restricted);

/// <summary>
/// Reads authorized_keys lines (<c>[options] keytype base64 [comment]</c>, see sshd(8)). Only the options and the key
/// type are looked at; the key itself is skipped and never kept.
/// </summary>
public static class AuthorizedKeysParser
{
    /// <summary>Most lines read.</summary>
    public const int MaxLines = 100_000;

    /// <summary>Summarises the file.</summary>
    /// <exception cref="InvalidDataException">A line without a recognisable key type, or too many lines (names the line).</exception>
    public static AuthorizedKeysSummary Parse(string text, string file)
    {
        var lines = text.Split('\n');
        if (lines.Length > MaxLines) throw new InvalidDataException($"{file}: more than {MaxLines} lines");
        var types = new SortedSet<string>(StringComparer.Ordinal);
        int keys = 0, restricted = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var (options, rest) = IsKeyType(FirstWord(line)) ? ("", line) : SplitOptions(line);
            var type = FirstWord(rest);
            if (!IsKeyType(type)) throw new InvalidDataException($"{file}:{i + 1}: no key type where one was expected");
            keys++;
            types.Add(type);
            if (options.Split(',').Any(o => o == "restrict" || o.StartsWith("command=", StringComparison.Ordinal) || o.StartsWith("from=", StringComparison.Ordinal)))
                restricted++;
        }
        return new AuthorizedKeysSummary(keys, [.. types], restricted);
    }

    /// <summary>OpenSSH key types: <c>ssh-*</c>, <c>ecdsa-sha2-*</c>, <c>sk-*</c> (FIDO) and their certificates.</summary>
    public static bool IsKeyType(string word) =>
        word.Length is > 4 and <= 64 && (word.StartsWith("ssh-", StringComparison.Ordinal) || word.StartsWith("ecdsa-sha2-", StringComparison.Ordinal) || word.StartsWith("sk-", StringComparison.Ordinal))
        && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '@' or '.');

    private static string FirstWord(string s)
    {
        var end = s.IndexOfAny([' ', '\t']);
        return end < 0 ? s : s[..end];
    }

    /// <summary>The options run to the first blank outside double quotes.</summary>
    private static (string Options, string Remainder) SplitOptions(string line)
    {
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '"') quoted = !quoted;
            else if (!quoted && line[i] is ' ' or '\t') return (line[..i], line[i..].TrimStart());
        }
        return (line, "");
    }
}
