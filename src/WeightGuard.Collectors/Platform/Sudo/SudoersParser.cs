using System.Text;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Platform.Sudo;

/// <summary>What sudoers grants: rules with aliases expanded, and the Defaults that switch authentication off.</summary>
/// <param name="Rules">Every command specification, in file order.</param>
/// <param name="AuthenticationDisabled"><c>Defaults…!authenticate</c> entries, as <c>binding at file:line</c>.</param>
public sealed record Sudoers(IReadOnlyList<SudoRule> Rules, IReadOnlyList<string> AuthenticationDisabled);

/// <summary>
/// Reads sudoers(5) with sudo's grammar: line continuations, comments, <c>#include</c>/<c>@include</c> and
/// <c>#includedir</c>/<c>@includedir</c> (relative to the including file; a directory's files without '.' or a trailing
/// '~', in order), the four alias kinds (each name defined once), Defaults with their types (<see cref="SudoDefaults"/>),
/// and user specifications <c>users hosts = [(runas)] [OPTION=value…] [TAGS:] [digest:…] command [: hosts = …]</c> with
/// quoted names, uid/gid and non-Unix group forms, digest-prefixed commands, regular expressions and sudoedit. A file
/// visudo would refuse is refused whole, naming <c>file:line</c> and the reason; it is never judged. Negated list items
/// are ignored, which can only over-report who may run what.
/// </summary>
public sealed class SudoersParser(ConfigFileBudget budget)
{
    private const int MaxAliasDepth = 32;
    private static readonly HashSet<string> Tags = new(StringComparer.Ordinal)
    {
        "NOPASSWD", "PASSWD", "NOEXEC", "EXEC", "SETENV", "NOSETENV", "LOG_INPUT", "NOLOG_INPUT", "LOG_OUTPUT", "NOLOG_OUTPUT",
        "MAIL", "NOMAIL", "FOLLOW", "NOFOLLOW", "INTERCEPT", "NOINTERCEPT",
    };
    private static readonly string[] OptionNames = ["ROLE", "TYPE", "APPARMOR_PROFILE", "PRIVS", "LIMITPRIVS", "NOTBEFORE", "NOTAFTER", "TIMEOUT", "CWD", "CHROOT"];
    private static readonly string[] Digests = ["sha224", "sha256", "sha384", "sha512"];
    private static readonly Dictionary<string, string> AliasKinds = new(StringComparer.Ordinal)
    {
        ["User_Alias"] = "User_Alias", ["Runas_Alias"] = "Runas_Alias", ["Host_Alias"] = "Host_Alias", ["Cmnd_Alias"] = "Cmnd_Alias", ["Cmd_Alias"] = "Cmnd_Alias",
    };

    private readonly Dictionary<(string Kind, string Name), List<string>> _aliases = [];
    private readonly List<SudoRule> _rules = [];
    private readonly List<string> _noAuth = [];

    /// <summary>Parses sudoers starting at <paramref name="mainFile"/>.</summary>
    /// <exception cref="InvalidDataException">visudo would refuse it: a syntax error, an invalid value, a duplicate alias, an include loop, a limit (with file:line).</exception>
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
            var at = $"{file}:{start}";
            if (raw.EndsWith('\\') && !raw.EndsWith(@"\\", StringComparison.Ordinal))
            {
                // A continuation with nothing after it (the file's last line) is a syntax error to sudo.
                if (i == lines.Length - 1 || (i == lines.Length - 2 && lines[^1].Length == 0))
                    throw new SudoersLine(logical + raw, at).Error("syntax error: line continuation at the end of the file");
                logical.Append(raw[..^1]);
                continue;
            }
            logical.Append(raw);
            var line = logical.ToString().Trim();
            logical.Clear();
            if (Directive(line) is { } directive)
            {
                Include(file, directive.Name, directive.Arg, depth, at);
                continue;
            }
            line = StripComment(line);
            if (line.Length == 0) continue;
            var cursor = new SudoersLine(line, at);
            var first = line.Split([' ', '\t'], 2)[0];
            if (line.StartsWith("Defaults", StringComparison.Ordinal)) Defaults(cursor);
            else if (AliasKinds.TryGetValue(first, out var kind)) { cursor.Accept(first); Alias(cursor, kind); }
            else UserSpec(cursor);
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
        var dir = budget.Root.ResolveInRoot(path);
        if (!Directory.Exists(dir)) return;
        if (depth + 1 > budget.MaxDepth) throw new InvalidDataException($"{at}: includes nested deeper than {budget.MaxDepth} (an include loop?) at {path}");
        foreach (var name in Directory.EnumerateFiles(dir).Select(Path.GetFileName).OfType<string>()
                     .Where(n => !n.Contains('.') && !n.EndsWith('~')).Order(StringComparer.Ordinal))
        {
            var file = path.TrimEnd('/') + "/" + name;
            if (budget.Read(file, depth + 1, at) is { } text) ParseFile(file, text, depth + 1);
        }
    }

    /// <summary>
    /// Removes a comment: '#' outside quotes at the start or after a blank or separator, unless it is a uid
    /// (<c>#1000</c>).
    /// </summary>
    private static string StripComment(string line)
    {
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '\\') { i++; continue; }
            if (c == '"') quoted = !quoted;
            else if (!quoted && c == '#' && (i == 0 || line[i - 1] is ' ' or '\t' or ',' or '(' or ':' or '=' or '!')
                     && !(i + 1 < line.Length && char.IsAsciiDigit(line[i + 1])))
                return line[..i].TrimEnd();
        }
        return line;
    }

    /// <summary><c>Defaults[@hosts|:users|&gt;runas|!commands] entry[, entry]…</c>, each entry checked against its type.</summary>
    private void Defaults(SudoersLine line)
    {
        line.Accept("Defaults");
        var binding = "Defaults";
        var kind = line.PeekRaw();
        if (kind is '@' or ':' or '>' or '!')
        {
            line.Accept(kind);
            var items = kind == '!' ? CommandList(line, out _) : NameList(line, "Defaults binding");
            binding += kind + string.Join(',', items);
        }
        else if (kind is not (' ' or '\t'))
        {
            throw line.Error("syntax error: unknown Defaults binding");
        }
        do
        {
            var negated = false;
            while (line.Accept('!')) negated = !negated;
            var name = line.Identifier();
            if (name.Length == 0) throw line.Error("syntax error: expected a Defaults entry");
            char op = '\0';
            string? value = null;
            if (line.Accept("+=")) op = '+';
            else if (line.Accept("-=")) op = '-';
            else if (line.Accept('=')) op = '=';
            if (op != '\0') value = line.Word(stopAtColon: false);
            if (!SudoDefaults.ByName.TryGetValue(name, out var type)) throw line.Error($"unknown defaults entry \"{name}\"");
            if (SudoValues.DefaultsProblem(name, type, op, negated, value) is { } problem) throw line.Error(problem);
            if (name == "authenticate" && negated) _noAuth.Add($"{binding} at {line.At}");
        }
        while (line.Accept(','));
        if (!line.AtEnd) throw line.Error("syntax error after the Defaults entries");
    }

    /// <summary><c>NAME = items [: NAME = items]…</c>; a name is defined once per alias kind.</summary>
    private void Alias(SudoersLine line, string kind)
    {
        do
        {
            var name = line.Name(allowColonPrefix: false) ?? "";
            if (name.Length == 0 || !char.IsAsciiLetterUpper(name[0]) || !name.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_'))
                throw line.Error($"alias definition '{name}' is not NAME = items (NAME: capitals, digits, '_')");
            line.Expect('=', $"alias definition '{name}' is not NAME = items");
            var items = kind == "Cmnd_Alias" ? CommandList(line, out _) : NameList(line, kind);
            if (!_aliases.TryAdd((kind, name), items)) throw line.Error($"Alias \"{name}\" already defined");
        }
        while (line.Accept(':'));
        if (!line.AtEnd) throw line.Error("syntax error after the alias definition");
    }

    /// <summary><c>users hosts = commands [: hosts = commands]…</c>.</summary>
    private void UserSpec(SudoersLine line)
    {
        var users = NameList(line, "user list");
        if (line.Peek() == '=') throw line.Error("expected 'users hosts =' before '='");
        NameList(line, "host list");
        if (!line.Accept('=')) throw line.Error("syntax error: neither a rule, an alias, Defaults nor an include");
        CommandSpecs(line, users);
        while (line.Accept(':'))
        {
            NameList(line, "host list");
            line.Expect('=', "expected 'hosts = commands' after ':'");
            CommandSpecs(line, users);
        }
        if (!line.AtEnd) throw line.Error("syntax error after the command list");
    }

    /// <summary>Comma-separated command specifications; the run-as list and tags carry over to the commands after them.</summary>
    private void CommandSpecs(SudoersLine line, IReadOnlyList<string> users)
    {
        IReadOnlyList<string> runAs = ["root"];
        var noPassword = false;
        do
        {
            if (line.Accept('(')) runAs = RunAs(line);
            Options(line);
            while (Tag(line) is { } tag)
            {
                if (tag == "NOPASSWD") noPassword = true;
                else if (tag == "PASSWD") noPassword = false;
            }
            if (Command(line, out var negated) is not { } command) throw line.Error("syntax error: a command specification without a command");
            if (!negated) _rules.Add(new SudoRule(users, runAs, [command], noPassword, line.At));
        }
        while (line.Accept(','));
    }

    /// <summary><c>(users[:groups])</c> after the '(' (either list may be empty).</summary>
    private static IReadOnlyList<string> RunAs(SudoersLine line)
    {
        var users = line.Peek() is ':' or ')' ? [] : NameList(line, "run-as list");
        var groups = line.Accept(':') && line.Peek() != ')' ? NameList(line, "run-as group list") : [];
        line.Expect(')', "unclosed '(' in the run-as list");
        if (users.Count > 0) return users;
        return groups.Count > 0 ? groups.Select(g => ":" + g).ToList() : ["root"];
    }

    /// <summary>Per-command options (<c>TIMEOUT=</c>, <c>NOTBEFORE=</c>, <c>CWD=</c>, SELinux, AppArmor, Solaris privileges), values checked.</summary>
    private static void Options(SudoersLine line)
    {
        while (OptionNames.FirstOrDefault(o => line.Rest.StartsWith(o + "=", StringComparison.Ordinal)) is { } option)
        {
            line.Accept(option + "=");
            var value = line.Word();
            var valid = option switch
            {
                "TIMEOUT" => SudoValues.IsTimeout(value),
                "NOTBEFORE" or "NOTAFTER" => SudoValues.IsGeneralizedTime(value),
                "CWD" or "CHROOT" => value.StartsWith('/') || value.StartsWith('~') || value == "*",
                _ => value.Length > 0,
            };
            if (!valid) throw line.Error(option == "TIMEOUT" ? "invalid timeout value" : $"invalid {option} value '{value}'");
        }
    }

    /// <summary>A tag such as <c>NOPASSWD:</c>, or null when none is next.</summary>
    private static string? Tag(SudoersLine line)
    {
        var rest = line.Rest;
        var end = 0;
        while (end < rest.Length && (char.IsAsciiLetterUpper(rest[end]) || rest[end] == '_')) end++;
        if (end == 0 || end >= rest.Length || rest[end] != ':') return null;
        var tag = rest[..end].ToString();
        if (!Tags.Contains(tag)) return null;
        line.Accept(tag + ":");
        return tag;
    }

    /// <summary>
    /// One command: <c>!</c>s, optional <c>sha…:digest</c> list, then <c>ALL</c>, an alias, <c>list</c>, <c>sudoedit</c>
    /// files, a path or a <c>^…$</c> regular expression with optional arguments (<c>""</c> for none, or <c>^…$</c>).
    /// </summary>
    private static string? Command(SudoersLine line, out bool negated)
    {
        negated = false;
        while (line.Accept('!')) negated = !negated;
        while (Digests.FirstOrDefault(d => line.Rest.StartsWith(d + ":", StringComparison.Ordinal)) is { } algorithm)
        {
            line.Accept(algorithm + ":");
            var digest = line.Word();
            if (!SudoValues.IsDigest(algorithm, digest)) throw line.Error($"invalid {algorithm} digest '{digest}'");
            line.Accept(',');
        }
        var rest = line.Rest;
        if (rest.Length == 0) return null;
        if (rest[0] is ',' or ':') return null;
        string path;
        if (rest[0] == '^')
        {
            path = line.Word();
            if (!path.EndsWith('$')) throw line.Error("unterminated regular expression");
        }
        else if (rest[0] == '/')
        {
            path = line.Word();
        }
        else
        {
            var word = line.Name(allowColonPrefix: false) ?? "";
            if (word is "ALL" or "list" || (word.Length > 0 && char.IsAsciiLetterUpper(word[0]) && word.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_')))
                return word;
            if (word != "sudoedit") throw line.Error($"syntax error: '{word}' is not a fully qualified command, ALL, sudoedit or a Cmnd_Alias");
            path = word;
        }
        if (line.Peek() is ',' or ':' or '\0') return path;
        if (line.Rest.StartsWith("\"\"", StringComparison.Ordinal))
        {
            line.Accept("\"\"");
            return path + " \"\"";
        }
        var args = line.Arguments();
        if (args.StartsWith('^') && !args.EndsWith('$')) throw line.Error("unterminated regular expression");
        return args.Length == 0 ? path : path + " " + args;
    }

    /// <summary>A Cmnd_Alias or Defaults! list: commands separated by commas (negated ones left out).</summary>
    private static List<string> CommandList(SudoersLine line, out bool anyNegated)
    {
        var commands = new List<string>();
        anyNegated = false;
        do
        {
            if (Command(line, out var negated) is not { } command) throw line.Error("syntax error: expected a command");
            if (negated) anyNegated = true;
            else commands.Add(command);
        }
        while (line.Accept(','));
        return commands;
    }

    /// <summary>
    /// Users, hosts or run-as names separated by commas: quoted strings, <c>#uid</c>, <c>%group</c>, <c>%#gid</c>,
    /// <c>%:non-Unix group</c>, <c>+netgroup</c>, aliases and ALL. Negated items are left out.
    /// </summary>
    private static List<string> NameList(SudoersLine line, string what)
    {
        var names = new List<string>();
        do
        {
            var negated = false;
            while (line.Accept('!')) negated = !negated;
            var name = line.Name() ?? throw line.Error($"syntax error: expected a name in the {what}");
            if (name.Length == 0) throw line.Error("empty string");
            if (name is "%" or "%:" or "%#") throw line.Error("empty group");
            if (name == "+") throw line.Error("empty netgroup");
            if (!negated) names.Add(name);
        }
        while (line.Accept(','));
        return names;
    }

    private SudoRule Expand(SudoRule rule) => rule with
    {
        Principals = ExpandAll("User_Alias", rule.Principals, 0, rule.Source),
        RunAs = ExpandAll("Runas_Alias", rule.RunAs, 0, rule.Source),
        Commands = ExpandAll("Cmnd_Alias", rule.Commands, 0, rule.Source),
    };

    private List<string> ExpandAll(string kind, IEnumerable<string> items, int depth, string at)
    {
        if (depth > MaxAliasDepth) throw new InvalidDataException($"{at}: aliases nested deeper than {MaxAliasDepth} (an alias loop?)");
        var result = new List<string>();
        foreach (var item in items)
        {
            if (item != "ALL" && _aliases.TryGetValue((kind, item), out var members)) result.AddRange(ExpandAll(kind, members, depth + 1, at));
            else result.Add(item);
        }
        return result.Distinct(StringComparer.Ordinal).ToList();
    }
}
