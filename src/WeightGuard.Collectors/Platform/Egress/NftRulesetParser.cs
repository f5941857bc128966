using System.Text;

namespace WeightGuard.Collectors.Platform.Egress;

/// <summary>A base chain of an nftables ruleset.</summary>
/// <param name="Family">Table family (<c>ip</c>, <c>ip6</c>, <c>inet</c>…).</param>
/// <param name="Table">Table name.</param>
/// <param name="Chain">Chain name.</param>
/// <param name="Hook">Netfilter hook (<c>output</c>, <c>input</c>…), or null for a regular chain.</param>
/// <param name="Policy">Policy (<c>accept</c> when unset).</param>
/// <param name="Rules">Rules in the chain.</param>
/// <param name="AcceptsEverything">A rule accepts every packet without a condition.</param>
/// <param name="Source"><c>file:line</c> where the chain is declared.</param>
public sealed record NftChain(string Family, string Table, string Chain, string? Hook, string Policy, int Rules, bool AcceptsEverything, string Source);

/// <summary>
/// Reads an nftables ruleset file as <c>nft -f</c> does, far enough to know each chain's hook, policy and rules:
/// <c>table … { chain … { type … hook … ; policy … ; rules } }</c>, the <c>add</c>/<c>insert</c>/<c>delete</c>/<c>flush</c>
/// command forms, and <c>include</c> with globs (relative paths against the including file's directory, then
/// <c>/etc</c>). Anonymous sets and maps inside rules are skipped as blocks.
/// </summary>
public sealed class NftRulesetParser(ConfigFileBudget budget)
{
    /// <summary>Most tokens in all files.</summary>
    public const int MaxTokens = 1_000_000;

    /// <summary>Deepest brace nesting.</summary>
    public const int MaxNesting = 64;

    private static readonly HashSet<string> Commands = new(StringComparer.Ordinal)
    {
        "table", "add", "create", "insert", "replace", "delete", "destroy", "flush", "include", "define", "redefine", "undefine", "list", "reset",
    };
    private static readonly HashSet<string> Families = new(StringComparer.Ordinal) { "ip", "ip6", "inet", "arp", "bridge", "netdev" };

    private readonly Dictionary<(string, string, string), ChainBuilder> _chains = [];
    private int _tokens;

    private sealed class ChainBuilder(string family, string table, string name, string source)
    {
        public string? Hook;
        public string Policy = "accept";
        public int Rules;
        public bool AcceptsEverything;
        public NftChain Build() => new(family, table, name, Hook, Policy, Rules, AcceptsEverything, source);
    }

    private abstract record Node(int Line);
    private sealed record Word(string Text, int Line) : Node(Line);
    private sealed record Block(List<List<Node>> Statements, int Line) : Node(Line);

    /// <summary>Parses the ruleset starting at <paramref name="file"/>.</summary>
    /// <exception cref="InvalidDataException">nft would reject it: unbalanced braces, an unterminated string, an unknown command, an include loop, a limit (with file:line).</exception>
    /// <exception cref="UnauthorizedAccessException">A file may not be read.</exception>
    public IReadOnlyList<NftChain> Parse(string file)
    {
        var text = budget.Read(file, 0, file) ?? throw new FileNotFoundException($"{file}: not found");
        ParseFile(file, text, 0);
        return _chains.Values.Select(c => c.Build()).ToList();
    }

    private void ParseFile(string file, string text, int depth)
    {
        foreach (var statement in Statements(file, text))
        {
            var words = statement.OfType<Word>().Select(w => w.Text).ToList();
            var at = $"{file}:{statement[0].Line}";
            var first = words.Count > 0 ? words[0] : "";
            if (!Commands.Contains(first)) throw new InvalidDataException($"{at}: '{Clip(first)}' is not an nft command");
            switch (first)
            {
                case "include":
                    if (words.Count < 2) throw new InvalidDataException($"{at}: include without a file");
                    Include(file, words[1], depth, at);
                    break;
                case "table":
                    Table(statement.Skip(1).ToList(), at, file);
                    break;
                case "flush" when words.Count > 1 && words[1] == "ruleset":
                    _chains.Clear();
                    break;
                case "add" or "create" or "insert" or "replace" when words.Count > 1:
                    Command(statement.Skip(2).ToList(), words[1], at, file);
                    break;
                case "delete" or "destroy" when words.Count > 2 && words[1] is "table" or "chain":
                    Delete(words.Skip(2).ToList(), words[1]);
                    break;
            }
        }
    }

    private void Include(string from, string pattern, int depth, string at)
    {
        var candidates = pattern.StartsWith('/') ? [pattern] : new[] { from[..(from.LastIndexOf('/') + 1)] + pattern, "/etc/" + pattern };
        foreach (var candidate in candidates)
        {
            var files = HostGlob.HasWildcard(candidate) ? HostGlob.Expand(budget.Root, candidate) : File.Exists(budget.Root.Resolve(candidate)) ? [candidate] : [];
            if (files.Count == 0 && !HostGlob.HasWildcard(candidate)) continue;
            foreach (var f in files)
                if (budget.Read(f, depth + 1, at) is { } text) ParseFile(f, text, depth + 1);
            return;
        }
        throw new InvalidDataException($"{at}: included file {pattern} does not exist");
    }

    /// <summary><c>[family] name { … }</c>.</summary>
    private void Table(List<Node> rest, string at, string file)
    {
        var words = rest.OfType<Word>().Select(w => w.Text).ToList();
        var (family, name) = words.Count >= 2 && Families.Contains(words[0]) ? (words[0], words[1]) : ("ip", words.FirstOrDefault() ?? "");
        if (name.Length == 0) throw new InvalidDataException($"{at}: table without a name");
        if (rest.OfType<Block>().FirstOrDefault() is not { } body) return;
        foreach (var statement in body.Statements)
        {
            var w = statement.OfType<Word>().Select(x => x.Text).ToList();
            if (w.Count >= 2 && w[0] == "chain" && statement.OfType<Block>().FirstOrDefault() is { } chainBody)
                Chain(family, name, w[1], chainBody, $"{file}:{statement[0].Line}");
            else if (w.Count >= 2 && w[0] == "chain")
                Get(family, name, w[1], $"{file}:{statement[0].Line}");
        }
    }

    /// <summary><c>add chain|rule|table …</c> command forms.</summary>
    private void Command(List<Node> rest, string what, string at, string file)
    {
        var words = rest.OfType<Word>().Select(w => w.Text).ToList();
        var (family, skip) = words.Count > 0 && Families.Contains(words[0]) ? (words[0], 1) : ("ip", 0);
        switch (what)
        {
            case "table":
                Table(rest, at, file);
                break;
            case "chain" when words.Count >= skip + 2:
                var chain = Get(family, words[skip], words[skip + 1], at);
                if (rest.OfType<Block>().FirstOrDefault() is { } body) Apply(chain, body);
                break;
            case "rule" when words.Count >= skip + 2:
                var target = Get(family, words[skip], words[skip + 1], at);
                Rule(target, words.Skip(skip + 2).Where(x => x != "handle" && x != "position").ToList());
                break;
        }
    }

    private void Delete(List<string> words, string what)
    {
        var (family, skip) = words.Count > 0 && Families.Contains(words[0]) ? (words[0], 1) : ("ip", 0);
        if (words.Count <= skip) return;
        foreach (var key in _chains.Keys.Where(k => k.Item1 == family && k.Item2 == words[skip] && (what == "table" || words.Count > skip + 1 && k.Item3 == words[skip + 1])).ToList())
            _chains.Remove(key);
    }

    private void Chain(string family, string table, string name, Block body, string at) => Apply(Get(family, table, name, at), body);

    private ChainBuilder Get(string family, string table, string name, string at)
    {
        if (!_chains.TryGetValue((family, table, name), out var chain)) _chains[(family, table, name)] = chain = new ChainBuilder(family, table, name, at);
        return chain;
    }

    private static void Apply(ChainBuilder chain, Block body)
    {
        foreach (var statement in body.Statements)
        {
            var w = statement.OfType<Word>().Select(x => x.Text).ToList();
            if (w.Count == 0) continue;
            if (w[0] == "type")
            {
                var hook = w.IndexOf("hook");
                if (hook >= 0 && hook + 1 < w.Count) chain.Hook = w[hook + 1];
                var policy = w.IndexOf("policy");
                if (policy >= 0 && policy + 1 < w.Count) chain.Policy = w[policy + 1];
            }
            else if (w[0] == "policy" && w.Count > 1) chain.Policy = w[1];
            else if (w[0] is "comment" or "devices" or "device") continue;
            else Rule(chain, w);
        }
    }

    private static void Rule(ChainBuilder chain, List<string> words)
    {
        if (words.Count == 0) return;
        chain.Rules++;
        // "accept" alone (or after counter/log, or with a trailing comment) matches every packet
        var verdicts = words.TakeWhile(x => x != "comment").Where(x => x is not ("counter" or "log")).ToList();
        if (verdicts is ["accept"]) chain.AcceptsEverything = true;
    }

    /// <summary>Splits text into statements of words and brace blocks; newlines and ';' end statements outside braces of a rule.</summary>
    private List<List<Node>> Statements(string file, string text)
    {
        var stack = new Stack<(List<List<Node>> Statements, List<Node> Current, int Line)>();
        var statements = new List<List<Node>>();
        var current = new List<Node>();
        var line = 1;
        var i = 0;
        void End()
        {
            if (current.Count > 0) statements.Add(current);
            current = [];
        }
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n') { line++; End(); i++; continue; }
            if (c is ' ' or '\t' or '\r') { i++; continue; }
            if (c == '\\' && i + 1 < text.Length && text[i + 1] == '\n') { line++; i += 2; continue; }
            if (c == '#') { while (i < text.Length && text[i] != '\n') i++; continue; }
            if (c == ';') { End(); i++; continue; }
            if (c == '{')
            {
                if (stack.Count == MaxNesting) throw new InvalidDataException($"{file}:{line}: braces nested deeper than {MaxNesting}");
                stack.Push((statements, current, line));
                statements = [];
                current = [];
                i++;
                continue;
            }
            if (c == '}')
            {
                if (stack.Count == 0) throw new InvalidDataException($"{file}:{line}: '}}' without a matching '{{'");
                End();
                var (outer, owner, opened) = stack.Pop();
                owner.Add(new Block(statements, opened));
                (statements, current) = (outer, owner);
                i++;
                continue;
            }
            var start = i;
            var word = new StringBuilder();
            if (c == '"')
            {
                i++;
                while (i < text.Length && text[i] != '"' && text[i] != '\n') word.Append(text[i++]);
                if (i == text.Length || text[i] != '"') throw new InvalidDataException($"{file}:{line}: unterminated string");
                i++;
            }
            else
            {
                while (i < text.Length && text[i] is not (' ' or '\t' or '\r' or '\n' or ';' or '{' or '}' or '#' or '"')) word.Append(text[i++]);
            }
            if (++_tokens > MaxTokens) throw new InvalidDataException($"{file}:{line}: more than {MaxTokens} tokens");
            current.Add(new Word(word.ToString(), line));
            if (i == start) i++;
        }
        if (stack.Count > 0) throw new InvalidDataException($"{file}: '{{' opened at line {stack.Peek().Line} is never closed");
        End();
        return statements;
    }

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
