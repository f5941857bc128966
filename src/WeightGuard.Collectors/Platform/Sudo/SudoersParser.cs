using System.Text;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Platform.Sudo;

/// <summary>What sudoers grants: rules with aliases expanded, and the Defaults that switch authentication off.</summary>
/// <param name="Rules">Every command specification, in file order.</param>
/// <param name="AuthenticationDisabled"><c>Defaults…!authenticate</c> entries, as <c>binding at file:line</c>.</param>
public sealed record Sudoers(IReadOnlyList<SudoRule> Rules, IReadOnlyList<string> AuthenticationDisabled);

/// <summary>
/// Reads sudoers(5): line continuations, comments, <c>#include</c>/<c>@include</c> and <c>#includedir</c>/<c>@includedir</c>
/// (relative to the including file; a directory's files without '.' or a trailing '~', in order), the four alias kinds,
/// Defaults, and user specifications <c>users hosts = [(runas)] [TAGS:] commands [: hosts = …]</c>. Negated list
/// items are ignored, which can only over-report who may run what.
/// </summary>
public sealed class SudoersParser(ConfigFileBudget budget)
{
    private const int MaxAliasDepth = 32;
    private static readonly HashSet<string> Tags = new(StringComparer.Ordinal)
    {
        "NOPASSWD", "PASSWD", "NOEXEC", "EXEC", "SETENV", "NOSETENV", "LOG_INPUT", "NOLOG_INPUT", "LOG_OUTPUT", "NOLOG_OUTPUT",
        "MAIL", "NOMAIL", "FOLLOW", "NOFOLLOW", "INTERCEPT", "NOINTERCEPT",
    };
    private static readonly string[] AliasKinds = ["User_Alias", "Runas_Alias", "Host_Alias", "Cmnd_Alias", "Cmd_Alias"];

    private readonly Dictionary<string, List<string>> _aliases = new(StringComparer.Ordinal);
    private readonly List<SudoRule> _rules = [];
    private readonly List<string> _noAuth = [];

    /// <summary>Parses sudoers starting at <paramref name="mainFile"/>.</summary>
    /// <exception cref="InvalidDataException">sudo would refuse it: a malformed line, an include loop, a limit (with file:line).</exception>
    /// <exception cref="UnauthorizedAccessException">A file may not be read.</exception>
    public Sudoers Parse(string mainFile = "/etc/sudoers")
    {
        var text = budget.Read(mainFile, 0, mainFile) ?? throw new FileNotFoundException($"{mainFile}: not found");
        ParseFile(mainFile, text, 0);
        return new Sudoers(_rules.Select(Expand).ToList(), _noAuth);
    }

    private void ParseFile(string file, string text, int depth)
    {
        var lines = text.Split('\n');
        var logical = new StringBuilder();
        var start = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var raw = lines[i].TrimEnd('\r');
            if (logical.Length == 0) start = i + 1;
            if (raw.EndsWith('\\')) { logical.Append(raw[..^1]).Append(' '); continue; }
            logical.Append(raw);
            var line = logical.ToString().Trim();
            logical.Clear();
            var at = $"{file}:{start}";
            if (Directive(line) is { } directive)
            {
                Include(file, directive.Name, directive.Arg, depth, at);
                continue;
            }
            line = StripComment(line);
            if (line.Length == 0) continue;
            var first = line.Split([' ', '\t'], 2)[0];
            if (first.StartsWith("Defaults", StringComparison.Ordinal)) Defaults(line, at);
            else if (AliasKinds.Contains(first)) Alias(line[first.Length..], at);
            else UserSpec(line, at);
        }
    }

    private static (string Name, string Arg)? Directive(string line)
    {
        foreach (var name in new[] { "includedir", "include" })
            foreach (var prefix in new[] { "#", "@" })
                if (line.StartsWith(prefix + name, StringComparison.Ordinal) && line.Length > prefix.Length + name.Length
                    && line[prefix.Length + name.Length] is ' ' or '\t')
                    return (name, line[(prefix.Length + name.Length)..].Trim().Trim('"'));
        return null;
    }

    private void Include(string from, string kind, string arg, int depth, string at)
    {
        if (arg.Length == 0) throw new InvalidDataException($"{at}: {kind} without a path");
        var path = arg.StartsWith('/') ? arg : from[..(from.LastIndexOf('/') + 1)] + arg;
        if (kind == "include")
        {
            if (budget.Read(path, depth + 1, at) is { } text) ParseFile(path, text, depth + 1);
            return;
        }
        var dir = budget.Root.Resolve(path);
        if (!Directory.Exists(dir)) return;
        if (depth + 1 > budget.MaxDepth) throw new InvalidDataException($"{at}: includes nested deeper than {budget.MaxDepth} (an include loop?) at {path}");
        foreach (var name in Directory.EnumerateFiles(dir).Select(Path.GetFileName).OfType<string>()
                     .Where(n => !n.Contains('.') && !n.EndsWith('~')).Order(StringComparer.Ordinal))
        {
            var file = path.TrimEnd('/') + "/" + name;
            if (budget.Read(file, depth + 1, at) is { } text) ParseFile(file, text, depth + 1);
        }
    }

    /// <summary>Removes a comment: '#' at the start or after a blank, unless it is a uid (<c>#1000</c>).</summary>
    private static string StripComment(string line)
    {
        for (var i = 0; i < line.Length; i++)
            if (line[i] == '#' && (i == 0 || line[i - 1] is ' ' or '\t' or ',' or '(' or ':') && !(i + 1 < line.Length && char.IsAsciiDigit(line[i + 1])))
                return line[..i].TrimEnd();
        return line;
    }

    private void Defaults(string line, string at)
    {
        var words = line.Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
        var settings = words.Length > 1 ? words[1] : "";
        if (settings.Split(',').Select(s => s.Trim()).Any(s => s == "!authenticate")) _noAuth.Add($"{words[0]} at {at}");
    }

    private void Alias(string definitions, string at)
    {
        foreach (var definition in SplitTop(definitions, ':'))
        {
            var eq = definition.IndexOf('=');
            var name = eq > 0 ? definition[..eq].Trim() : "";
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_') || !char.IsAsciiLetterUpper(name[0]))
                throw new InvalidDataException($"{at}: alias definition '{Clip(definition.Trim())}' is not NAME = items");
            _aliases[name] = List(definition[(eq + 1)..]);
        }
    }

    private void UserSpec(string line, string at)
    {
        var eq = line.IndexOf('=');
        if (eq < 0) throw new InvalidDataException($"{at}: '{Clip(line)}' is neither a rule, an alias, Defaults nor an include");
        var left = Normalise(line[..eq]).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (left.Length != 2) throw new InvalidDataException($"{at}: expected 'users hosts =' before '=', found '{Clip(line[..eq].Trim())}'");
        var users = List(left[0]);
        var rest = line[(eq + 1)..];
        foreach (var group in HostGroups(rest, at))
        {
            IReadOnlyList<string> runAs = ["root"];
            var noPassword = false;
            foreach (var spec in SplitTop(group, ','))
            {
                var s = spec.Trim();
                if (s.StartsWith('('))
                {
                    var close = s.IndexOf(')');
                    if (close < 0) throw new InvalidDataException($"{at}: unclosed '(' in '{Clip(s)}'");
                    runAs = RunAs(s[1..close]);
                    s = s[(close + 1)..].Trim();
                }
                while (s.IndexOf(':') is var colon and > 0 && Tags.Contains(s[..colon].Trim()))
                {
                    var tag = s[..colon].Trim();
                    if (tag == "NOPASSWD") noPassword = true;
                    else if (tag == "PASSWD") noPassword = false;
                    s = s[(colon + 1)..].Trim();
                }
                while (s.Split(' ', 2)[0] is var option && option.Contains('=') && option[..option.IndexOf('=')].All(char.IsAsciiLetterUpper))
                    s = s.Length > option.Length ? s[option.Length..].Trim() : "";
                if (s.Length == 0) throw new InvalidDataException($"{at}: a command specification without a command");
                if (s.StartsWith('!')) continue;
                _rules.Add(new SudoRule(users, runAs, [s], noPassword, at));
            }
        }
    }

    /// <summary>The part after the first '=' holds <c>cmnds [: hosts = cmnds]…</c>; split at the ':' that start new host groups.</summary>
    private static IEnumerable<string> HostGroups(string rest, string at)
    {
        var parts = SplitTop(rest, ':', keepTags: true);
        yield return parts[0];
        foreach (var part in parts.Skip(1))
        {
            var eq = part.IndexOf('=');
            if (eq < 0) throw new InvalidDataException($"{at}: expected 'hosts = commands' after ':', found '{Clip(part.Trim())}'");
            yield return part[(eq + 1)..];
        }
    }

    private static IReadOnlyList<string> RunAs(string spec)
    {
        var colon = spec.IndexOf(':');
        var users = List(colon < 0 ? spec : spec[..colon]);
        if (users.Count > 0) return users;
        return colon < 0 ? ["root"] : [":" + spec[(colon + 1)..].Trim()];
    }

    /// <summary>Splits at a separator outside parentheses and quotes; with <paramref name="keepTags"/>, a ':' ending a tag or inside a runas spec is not a separator.</summary>
    private static List<string> SplitTop(string text, char separator, bool keepTags = false)
    {
        var parts = new List<string>();
        var depth = 0;
        var quoted = false;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"') quoted = !quoted;
            else if (quoted) continue;
            else if (c == '\\') i++;
            else if (c == '(') depth++;
            else if (c == ')') depth = Math.Max(0, depth - 1);
            else if (c == separator && depth == 0)
            {
                if (keepTags && IsTagEnd(text, i)) continue;
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }
        parts.Add(text[start..]);
        return parts;
    }

    private static bool IsTagEnd(string text, int colon)
    {
        var begin = colon;
        while (begin > 0 && (char.IsAsciiLetterUpper(text[begin - 1]) || text[begin - 1] == '_')) begin--;
        return Tags.Contains(text[begin..colon]);
    }

    private static List<string> List(string text) =>
        SplitTop(text, ',').Select(s => s.Trim()).Where(s => s.Length > 0 && !s.StartsWith('!')).ToList();

    /// <summary>Collapses blanks around commas so a user list with spaces stays one word.</summary>
    private static string Normalise(string text)
    {
        var s = text.Replace('\t', ' ');
        while (s.Contains(" ,", StringComparison.Ordinal)) s = s.Replace(" ,", ",", StringComparison.Ordinal);
        while (s.Contains(", ", StringComparison.Ordinal)) s = s.Replace(", ", ",", StringComparison.Ordinal);
        return s.Trim();
    }

    private SudoRule Expand(SudoRule rule) => rule with
    {
        Principals = ExpandAll(rule.Principals, 0, rule.Source),
        RunAs = ExpandAll(rule.RunAs, 0, rule.Source),
        Commands = ExpandAll(rule.Commands, 0, rule.Source),
    };

    private List<string> ExpandAll(IEnumerable<string> items, int depth, string at)
    {
        if (depth > MaxAliasDepth) throw new InvalidDataException($"{at}: aliases nested deeper than {MaxAliasDepth} (an alias loop?)");
        var result = new List<string>();
        foreach (var item in items)
        {
            if (item != "ALL" && _aliases.TryGetValue(item, out var members)) result.AddRange(ExpandAll(members, depth + 1, at));
            else result.Add(item);
        }
        return result.Distinct(StringComparer.Ordinal).ToList();
    }

    private static string Clip(string s) => s.Length > 60 ? s[..60] + "…" : s;
}
