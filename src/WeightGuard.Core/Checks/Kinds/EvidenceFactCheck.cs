using System.Globalization;
using System.Text.Json;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>
/// Compares one fact of the evidence, named by a JSON pointer, with expected values. Lets a control about a single
/// observed setting (lockdown mode, ptrace scope…) be written as data with no new code; the control writes the finding's
/// words too (<c>fact-name</c>, <c>pass-message</c>, <c>fail-message</c>), since the pointer means nothing to a reader.
/// </summary>
public sealed class EvidenceFactCheck : ICheck, IValidatesParameters
{
    /// <inheritdoc />
    public string Kind => "evidence-fact";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } =
    [
        new("fact", ParamType.String, ParamValue.Of("/"), "JSON pointer into the evidence, e.g. /platform/lockdown."),
        new("operator", ParamType.String, ParamValue.Of("equals"), "equals, one-of, at-least, at-most, is-true or is-false."),
        new("values", ParamType.StringList, ParamValue.Of([]), "Expected value(s): one for equals / at-least / at-most, several for one-of."),
        new("fact-name", ParamType.String, ParamValue.Of(""), "What the fact is, in words, for a finding that could not read it: 'the kernel lockdown mode'."),
        new("pass-message", ParamType.String, ParamValue.Of(""), "The finding when it holds; {value} stands for the value seen."),
        new("fail-message", ParamType.String, ParamValue.Of(""),
            "The finding when it does not hold: what is wrong and what it lets an attacker do; {value} stands for the value seen. " +
            "The required value is appended for equals, one-of, at-least and at-most."),
    ];

    /// <summary>The parameters holding the finding's words, which every control of this kind must write.</summary>
    private static readonly string[] Words = ["fact-name", "pass-message", "fail-message"];

    /// <summary>The operators this check understands (checked when the catalogue loads).</summary>
    public static IReadOnlySet<string> Operators { get; } = new HashSet<string> { "equals", "one-of", "at-least", "at-most", "is-true", "is-false" };

    /// <inheritdoc />
    public IEnumerable<string> Validate(IReadOnlyDictionary<string, ParamValue> parameters)
    {
        if (parameters.TryGetValue("fact", out var fact) && !fact.AsString().StartsWith('/'))
            yield return $"fact '{fact}' must be a JSON pointer starting with /";
        var op = parameters.TryGetValue("operator", out var o) ? o.AsString() : "equals";
        if (!Operators.Contains(op)) yield return $"unknown operator '{op}' (known: {string.Join(", ", Operators)})";
        var count = parameters.TryGetValue("values", out var v) ? v.AsList().Count : 0;
        if (op is "equals" or "at-least" or "at-most" && count != 1) yield return $"operator '{op}' takes exactly one value";
        if (op == "one-of" && count == 0) yield return "operator 'one-of' takes at least one value";
        if (op is "at-least" or "at-most" && count == 1 && !decimal.TryParse(v!.AsList()[0], NumberStyles.Number, CultureInfo.InvariantCulture, out _))
            yield return $"operator '{op}' takes a number";
        foreach (var name in Words)
            if (!parameters.TryGetValue(name, out var words) || string.IsNullOrWhiteSpace(words.AsString()))
                yield return $"'{name}' must say in words what the finding is (the JSON pointer means nothing to a reader)";
    }

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        var pointer = context.String("fact");
        var op = context.String("operator");
        var expected = context.List("values");
        var at = EvidencePointer.To(pointer.TrimStart('/').Split('/'));
        var domain = pointer.TrimStart('/').Split('/')[0];
        var found = Resolve(context.EvidenceJson, pointer);
        if (found is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            var failure = context.Evidence.Failures.FirstOrDefault(f => f.Domain == domain);
            return CheckOutcome.Error(failure is null
                ? $"WeightGuard did not observe {context.String("fact-name")} on this host"
                : $"WeightGuard could not read {context.String("fact-name")} ({failure.Reason})", at);
        }
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        var holds = op switch
        {
            "equals" => expected.Count == 1 && text == expected[0],
            "one-of" => expected.Contains(text),
            "is-true" => value.ValueKind == JsonValueKind.True,
            "is-false" => value.ValueKind == JsonValueKind.False,
            "at-least" => Number(value) >= Number(expected[0]),
            "at-most" => Number(value) <= Number(expected[0]),
            _ => throw new InvalidOperationException($"unknown operator '{op}'"),
        };
        string Say(string template) => Sentence(template.Replace("{value}", text, StringComparison.Ordinal));
        return holds
            ? CheckOutcome.Pass(Say(context.String("pass-message")), at)
            : CheckOutcome.Fail(Say(context.String("fail-message")) + Required(op, expected), at);
    }

    /// <summary>The required value in words; nothing for is-true and is-false, whose fail message says it.</summary>
    private static string Required(string op, IReadOnlyList<string> expected) => op switch
    {
        "equals" => $" Required: {expected[0]}.",
        "one-of" => expected.Count == 1 ? $" Required: {expected[0]}." : $" Required: {string.Join(", ", expected.Take(expected.Count - 1))} or {expected[^1]}.",
        "at-least" => $" Required: at least {expected[0]}.",
        "at-most" => $" Required: at most {expected[0]}.",
        _ => "",
    };

    /// <summary>The text as a sentence: a capital first letter and a full stop.</summary>
    internal static string Sentence(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0) return trimmed;
        trimmed = char.ToUpperInvariant(trimmed[0]) + trimmed[1..];
        return trimmed[^1] is '.' or '!' or '?' ? trimmed : trimmed + ".";
    }

    private static decimal Number(JsonElement value) => value.ValueKind == JsonValueKind.Number
        ? value.GetDecimal()
        : throw new InvalidOperationException($"'{value.GetRawText()}' is not a number");

    private static decimal Number(string value) => decimal.Parse(value, NumberStyles.Number, CultureInfo.InvariantCulture);

    /// <summary>Resolves an RFC 6901 pointer; null when any step is missing.</summary>
    public static JsonElement? Resolve(JsonElement root, string pointer)
    {
        var current = root;
        foreach (var raw in pointer.Split('/').Skip(1))
        {
            if (raw.Length == 0) continue;
            var token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(token, out var next)) current = next;
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i)
                     && i < current.GetArrayLength()) current = current[i];
            else return null;
        }
        return current;
    }
}
