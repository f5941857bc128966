using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Platform.Ssh;

/// <summary>The effective sshd configuration for the keywords that decide who can log in and how.</summary>
/// <param name="Settings">Global values: the first one read wins, as in sshd; sshd's default for keywords never set.</param>
/// <param name="MatchBlocks">Match blocks that set any of those keywords.</param>
public sealed record SshdConfig(IReadOnlyList<SshSetting> Settings, IReadOnlyList<SshMatchBlock> MatchBlocks)
{
    /// <summary>The global value of a keyword (canonical case).</summary>
    public string Value(string keyword) => Settings.First(s => s.Keyword == keyword).Value;
}

/// <summary>
/// Reads <c>sshd_config</c> the way sshd does: keywords case-insensitive, <c>keyword value</c> or <c>keyword=value</c>,
/// the first value of a keyword wins, <c>Include</c> with globs (relative to <c>/etc/ssh</c>, sorted, nested at most 16
/// deep), and <c>Match</c> blocks that last to the next Match or to the end of the file they are in.
/// </summary>
public sealed class SshdConfigParser(ConfigFileBudget budget)
{
    /// <summary>The keywords kept, in canonical case, with sshd's built-in default (OpenSSH 8.7 and later).</summary>
    public static IReadOnlyList<(string Keyword, string Default)> Keywords { get; } =
    [
        ("PermitRootLogin", "prohibit-password"),
        ("PasswordAuthentication", "yes"),
        ("KbdInteractiveAuthentication", "yes"),
        ("PermitEmptyPasswords", "no"),
        ("PubkeyAuthentication", "yes"),
        ("AuthenticationMethods", "any"),
        ("UsePAM", "no"),
        ("AuthorizedKeysFile", ".ssh/authorized_keys .ssh/authorized_keys2"),
        ("AuthorizedKeysCommand", "none"),
        ("AllowUsers", ""),
        ("AllowGroups", ""),
        ("MaxAuthTries", "6"),
    ];

    /// <summary>Keywords sshd reads as yes/no (those kept and others), so that a misspelt value is refused as sshd refuses it.</summary>
    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal)
    {
        "passwordauthentication", "kbdinteractiveauthentication", "challengeresponseauthentication", "permitemptypasswords",
        "pubkeyauthentication", "usepam", "hostbasedauthentication", "x11forwarding", "printmotd", "printlastlog", "tcpkeepalive",
        "usedns", "permittty", "permituserrc", "strictmodes", "ignoreuserknownhosts", "gssapiauthentication", "kerberosauthentication",
        "exposeauthinfo", "disableforwarding", "allowagentforwarding", "x11uselocalhost",
    };

    /// <summary>Match criteria sshd knows (OpenSSH 10: <c>invalid-user</c>, <c>version</c>, <c>sessiontype</c>, <c>commandname</c> are newer).</summary>
    private static readonly string[] MatchCriteria =
        ["user", "group", "host", "localaddress", "localport", "address", "rdomain", "invalid-user", "version", "sessiontype", "commandname"];

    private static readonly string[] RootLoginValues = ["yes", "no", "prohibit-password", "without-password", "forced-commands-only"];

    private static readonly Dictionary<string, string> Canonical = Keywords.ToDictionary(k => k.Keyword.ToLowerInvariant(), k => k.Keyword, StringComparer.Ordinal);

    static SshdConfigParser()
    {
        Canonical["challengeresponseauthentication"] = "KbdInteractiveAuthentication"; // the old name of the same option
    }

    private readonly Dictionary<string, SshSetting> _global = new(StringComparer.Ordinal);
    private readonly List<MatchBuilder> _blocks = [];

    private sealed record MatchBuilder(string Criteria, string Source, Dictionary<string, SshSetting> Settings);

    /// <summary>Parses the configuration starting at <paramref name="mainFile"/>.</summary>
    /// <exception cref="InvalidDataException">sshd would refuse it: an include loop or too-deep nesting, a limit, a keyword sshd does not know or not in a Match block, a missing argument, a bad yes/no value or Match criterion (with file:line).</exception>
    /// <exception cref="UnauthorizedAccessException">A file may not be read.</exception>
    public SshdConfig Parse(string mainFile = "/etc/ssh/sshd_config")
    {
        var text = budget.Read(mainFile, 0, mainFile) ?? throw new FileNotFoundException($"{mainFile}: not found");
        ParseFile(mainFile, text, 0, null);
        // A "Match All" block applies to every connection: its first value of a keyword is the effective one (as sshd -T prints).
        foreach (var all in _blocks.Where(b => b.Criteria.Equals("all", StringComparison.OrdinalIgnoreCase)).Reverse())
            foreach (var (keyword, setting) in all.Settings) _global[keyword] = setting;
        var settings = Keywords.Select(k => _global.TryGetValue(k.Keyword, out var s) ? s : new SshSetting(k.Keyword, k.Default, "default")).ToList();
        CheckMethodsSatisfiable(settings);
        var blocks = _blocks.Where(b => b.Settings.Count > 0)
            .Select(b => new SshMatchBlock(b.Criteria, b.Source, b.Settings.Values.OrderBy(s => s.Keyword, StringComparer.Ordinal).ToList())).ToList();
        return new SshdConfig(settings, blocks);
    }

    private void ParseFile(string file, string text, int depth, MatchBuilder? match)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var at = $"{file}:{i + 1}";
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var (keyword, args) = Split(line, at);
            switch (keyword.ToLowerInvariant())
            {
                case "match":
                    // A comment after the keyword ("Match # x") leaves no criteria either.
                    if (Words(args) is not { Length: > 0 } criteria) throw new InvalidDataException($"{at}: Match without criteria");
                    CheckCriteria(criteria, at);
                    match = new MatchBuilder(args, at, new Dictionary<string, SshSetting>(StringComparer.Ordinal));
                    _blocks.Add(match);
                    break;
                case "include":
                    if (args.Length == 0) throw new InvalidDataException($"{at}: Include without a file");
                    foreach (var pattern in Words(args))
                    {
                        var absolute = pattern.StartsWith('/') ? pattern : "/etc/ssh/" + pattern;
                        foreach (var included in HostGlob.Expand(budget.Root, absolute))
                        {
                            var content = budget.Read(included, depth + 1, at);
                            // an included file starts in the includer's Match context, and a Match inside it ends with it
                            if (content is not null) ParseFile(included, content, depth + 1, match);
                        }
                    }
                    break;
                default:
                    if (!SshdKeywords.ByName.TryGetValue(keyword.ToLowerInvariant(), out var known))
                        throw new InvalidDataException($"{at}: Bad configuration option: {Clip(keyword)}");
                    if (match is not null && !known.InMatch)
                        throw new InvalidDataException($"{at}: Directive '{keyword}' is not allowed within a Match block");
                    if (Words(args).Length == 0) throw new InvalidDataException($"{at}: {keyword} missing argument");
                    if (Flags.Contains(keyword.ToLowerInvariant()) && Words(args)[0].ToLowerInvariant() is not ("yes" or "no"))
                        throw new InvalidDataException($"{at}: unsupported option \"{Clip(Words(args)[0])}\" for {keyword}: must be yes or no");
                    if (!Canonical.TryGetValue(keyword.ToLowerInvariant(), out var canonical)) break;
                    var value = Normalise(canonical, args, at);
                    (match?.Settings ?? _global).TryAdd(canonical, new SshSetting(canonical, value, at));
                    break;
            }
        }
    }

    /// <summary>
    /// sshd refuses to start when no list of the global AuthenticationMethods can be satisfied with the methods enabled
    /// (a list naming a disabled method is only a warning). Methods whose switch is not kept here count as enabled.
    /// </summary>
    private static void CheckMethodsSatisfiable(List<SshSetting> settings)
    {
        var methods = settings.Single(s => s.Keyword == "AuthenticationMethods");
        if (methods.Value == "any") return;
        bool On(string keyword) => settings.Single(s => s.Keyword == keyword).Value == "yes";
        bool Enabled(string method) => method.Split(':')[0] switch
        {
            "publickey" => On("PubkeyAuthentication"),
            "password" => On("PasswordAuthentication"),
            "keyboard-interactive" => On("KbdInteractiveAuthentication"),
            _ => true,
        };
        if (!methods.Value.Split(' ').Any(list => list.Split(',').All(Enabled)))
            throw new InvalidDataException($"{methods.Source}: AuthenticationMethods cannot be satisfied by enabled authentication methods");
    }

    /// <summary>
    /// sshd's Match criteria: known names (any case), each followed by its pattern, and <c>All</c> alone; anything else
    /// makes sshd refuse the file.
    /// </summary>
    private static void CheckCriteria(string[] words, string at)
    {
        if (words[0].Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            if (words.Length > 1) throw new InvalidDataException($"{at}: 'all' cannot be combined with other Match attributes");
            return;
        }
        for (var i = 0; i < words.Length; i++)
        {
            var criterion = words[i].ToLowerInvariant();
            var eq = criterion.IndexOf('=');
            var name = eq > 0 ? criterion[..eq] : criterion;
            if (!MatchCriteria.Contains(name)) throw new InvalidDataException($"{at}: Unsupported Match attribute {Clip(words[i])}");
            if (eq < 0 && ++i >= words.Length) throw new InvalidDataException($"{at}: Missing Match criteria for {Clip(words[^1])}");
        }
    }

    private static (string Keyword, string Args) Split(string line, string at)
    {
        var end = 0;
        while (end < line.Length && (char.IsAsciiLetterOrDigit(line[end]))) end++;
        if (end == 0 || !char.IsAsciiLetter(line[0]) || (end < line.Length && line[end] is not (' ' or '\t' or '=')))
            throw new InvalidDataException($"{at}: '{Clip(line)}' is not a configuration keyword");
        var rest = line[end..].TrimStart(' ', '\t');
        if (rest.StartsWith('=')) rest = rest[1..];
        return (line[..end], rest.Trim());
    }

    private static string Normalise(string keyword, string args, string at)
    {
        if (Flags.Contains(keyword.ToLowerInvariant()))
        {
            var v = Words(args)[0].ToLowerInvariant();
            return v is "yes" or "no" ? v : throw new InvalidDataException($"{at}: {keyword} must be yes or no, found '{Clip(v)}'");
        }
        if (keyword == "MaxAuthTries")
        {
            var v = Words(args)[0];
            return int.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)
                ? v : throw new InvalidDataException($"{at}: MaxAuthTries integer value invalid: '{Clip(v)}'");
        }
        if (keyword == "PermitRootLogin")
        {
            var v = Words(args)[0].ToLowerInvariant();
            if (!RootLoginValues.Contains(v)) throw new InvalidDataException($"{at}: PermitRootLogin value '{Clip(v)}' is not one of {string.Join(", ", RootLoginValues)}");
            return v == "without-password" ? "prohibit-password" : v;
        }
        return string.Join(' ', Words(args));
    }

    /// <summary>Splits arguments on blanks, honouring double quotes.</summary>
    private static string[] Words(string args)
    {
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        foreach (var c in args)
        {
            if (c == '"') { quoted = !quoted; continue; }
            if (!quoted && c == '#' && current.Length == 0) break; // a trailing comment
            if (!quoted && c is ' ' or '\t')
            {
                if (current.Length > 0) { words.Add(current.ToString()); current.Clear(); }
                continue;
            }
            current.Append(c);
        }
        if (current.Length > 0) words.Add(current.ToString());
        return [.. words];
    }

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
