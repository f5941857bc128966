namespace WeightGuard.Collectors.Platform.Egress;

/// <summary>The OUTPUT chain of an iptables-save file's filter table.</summary>
/// <param name="Policy">Its policy, lower case (<c>accept</c>, <c>drop</c>).</param>
/// <param name="Rules">Rules appended to it.</param>
/// <param name="AcceptsEverything">A rule is <c>-A OUTPUT -j ACCEPT</c> with no match.</param>
/// <param name="Source"><c>file:line</c> of the policy line.</param>
public sealed record IptablesOutput(string Policy, int Rules, bool AcceptsEverything, string Source);

/// <summary>Reads iptables-save / ip6tables-save format (<c>/etc/iptables/rules.v4</c>, <c>/etc/sysconfig/iptables</c>).</summary>
public static class IptablesSaveParser
{
    /// <summary>Most lines read.</summary>
    public const int MaxLines = 200_000;

    /// <summary>The filter table's OUTPUT chain, or null when the file has no filter table.</summary>
    /// <exception cref="InvalidDataException">Not iptables-save syntax, a table without COMMIT, or too long (names the line).</exception>
    public static IptablesOutput? Parse(string text, string file)
    {
        var lines = text.Split('\n');
        if (lines.Length > MaxLines) throw new InvalidDataException($"{file}: more than {MaxLines} lines");
        string? table = null;
        IptablesOutput? output = null;
        var tableLine = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            var at = $"{file}:{i + 1}";
            if (line.Length == 0 || line[0] == '#') continue;
            if (line[0] == '*')
            {
                if (table is not null) throw new InvalidDataException($"{at}: table {line} starts before COMMIT of *{table}");
                (table, tableLine) = (line[1..], i + 1);
            }
            else if (line == "COMMIT")
            {
                if (table is null) throw new InvalidDataException($"{at}: COMMIT outside a table");
                table = null;
            }
            else if (table is null) throw new InvalidDataException($"{at}: '{Clip(line)}' outside a table");
            else if (line[0] == ':')
            {
                var f = line[1..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length < 2) throw new InvalidDataException($"{at}: chain line '{Clip(line)}' lacks a policy");
                if (table == "filter" && f[0] == "OUTPUT") output = new IptablesOutput(f[1].ToLowerInvariant(), 0, false, at);
            }
            else if (line[0] == '-')
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length < 2 || f[0] is not ("-A" or "-I")) throw new InvalidDataException($"{at}: '{Clip(line)}' is not -A CHAIN …");
                if (table != "filter" || f[1] != "OUTPUT") continue;
                output ??= new IptablesOutput("accept", 0, false, at);
                var unconditional = f.Length == 4 && f[2] == "-j" && f[3] == "ACCEPT";
                output = output with { Rules = output.Rules + 1, AcceptsEverything = output.AcceptsEverything || unconditional };
            }
            else throw new InvalidDataException($"{at}: '{Clip(line)}' is not iptables-save syntax");
        }
        if (table is not null) throw new InvalidDataException($"{file}:{tableLine}: *{table} has no COMMIT");
        return output;
    }

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
