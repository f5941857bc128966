using System.Text;

namespace WeightGuard.Collectors.Platform.Sudo;

/// <summary>
/// A cursor over one logical sudoers line (continuations joined, comment removed): the lexical rules of sudo's
/// <c>toke.l</c> for blanks, words with backslash escapes and double-quoted strings. Every error names <c>file:line</c>.
/// </summary>
internal sealed class SudoersLine(string text, string at)
{
    private int _i;

    /// <summary>Where the line starts, as <c>file:line</c>.</summary>
    public string At => at;

    /// <summary>The line as written.</summary>
    public string Text => text;

    /// <summary>True at the end of the line (after blanks).</summary>
    public bool AtEnd { get { SkipBlanks(); return _i >= text.Length; } }

    /// <summary>The next character after blanks, or NUL at the end.</summary>
    public char Peek() { SkipBlanks(); return _i < text.Length ? text[_i] : '\0'; }

    /// <summary>The next character without skipping blanks, or NUL at the end.</summary>
    public char PeekRaw() => _i < text.Length ? text[_i] : '\0';

    /// <summary>The rest of the line from the cursor (for look-ahead).</summary>
    public ReadOnlySpan<char> Rest { get { SkipBlanks(); return text.AsSpan(_i); } }

    /// <summary>Consumes <paramref name="c"/> after blanks when it is next.</summary>
    public bool Accept(char c)
    {
        if (Peek() != c) return false;
        _i++;
        return true;
    }

    /// <summary>Consumes <paramref name="word"/> after blanks when the line continues with it.</summary>
    public bool Accept(string word)
    {
        if (!Rest.StartsWith(word, StringComparison.Ordinal)) return false;
        _i += word.Length;
        return true;
    }

    /// <summary>Consumes <paramref name="c"/> after blanks or fails with <paramref name="problem"/>.</summary>
    public void Expect(char c, string problem)
    {
        if (!Accept(c)) throw Error(problem);
    }

    /// <summary>A name, host or user: a quoted string, or characters up to a blank or one of <c>,:=()!"</c> (backslash escapes one).</summary>
    /// <param name="allowColonPrefix">A leading <c>%:</c> (non-Unix group) keeps its colon.</param>
    public string? Name(bool allowColonPrefix = true)
    {
        SkipBlanks();
        if (PeekRaw() == '"') return Quoted();
        var word = Unquoted((read, c) => c is ' ' or '\t' or ',' or '=' or '(' or ')' or '!' or '"'
            || (c == ':' && !(allowColonPrefix && read.Length == 1 && read[0] == '%')));
        return word.Length == 0 ? null : word;
    }

    /// <summary>Letters, digits and '_' (a Defaults entry's name).</summary>
    public string Identifier()
    {
        SkipBlanks();
        var start = _i;
        while (_i < text.Length && (char.IsAsciiLetterOrDigit(text[_i]) || text[_i] == '_')) _i++;
        return text[start.._i];
    }

    /// <summary>Characters up to a blank, a comma or a colon (a Defaults value, an option value, a digest), escapes kept literal.</summary>
    public string Word(bool stopAtColon = true)
    {
        SkipBlanks();
        return PeekRaw() == '"' ? Quoted() : Unquoted((_, c) => c is ' ' or '\t' or ',' || (stopAtColon && c == ':'));
    }

    /// <summary>Command arguments: up to an unescaped comma or colon; an unescaped '=' is an error, as sudo requires it escaped.</summary>
    public string Arguments()
    {
        SkipBlanks();
        return Unquoted((_, c) => c == '=' ? throw Error("syntax error: '=' in command arguments must be escaped") : c is ',' or ':').TrimEnd();
    }

    /// <summary>Characters until <paramref name="stop"/> says so (given what was read and the next character); a backslash takes the next character literally.</summary>
    private string Unquoted(Func<StringBuilder, char, bool> stop)
    {
        var word = new StringBuilder();
        while (_i < text.Length)
        {
            var c = text[_i];
            if (c == '\\' && _i + 1 < text.Length) { word.Append(text[_i + 1]); _i += 2; continue; }
            if (stop(word, c)) break;
            word.Append(c);
            _i++;
        }
        return word.ToString();
    }

    /// <summary>A double-quoted string; <c>\"</c> and <c>\\</c> escape. The line must hold its closing quote.</summary>
    public string Quoted()
    {
        _i++; // the opening quote
        var value = new StringBuilder();
        while (_i < text.Length && text[_i] != '"')
        {
            if (text[_i] == '\\' && _i + 1 < text.Length) { value.Append(text[_i + 1]); _i += 2; continue; }
            value.Append(text[_i++]);
        }
        if (_i >= text.Length) throw Error("unexpected line break in string");
        _i++;
        return value.ToString();
    }

    /// <summary>An error naming this line and showing it, as visudo does.</summary>
    public InvalidDataException Error(string problem) => new($"{at}: {problem}: '{Clip(text)}'");

    private void SkipBlanks()
    {
        while (_i < text.Length && text[_i] is ' ' or '\t') _i++;
    }

    private static string Clip(string s) => s.Length > 60 ? s[..60] + "…" : s;
}
