using System.Text.Json;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Core.Checks;

/// <summary>A declared parameter of a check kind: controls and profiles may set it; otherwise the default applies.</summary>
/// <param name="Name">kebab-case name as written in YAML.</param>
/// <param name="Type">Its type; values that do not fit are rejected when the catalogue loads.</param>
/// <param name="Default">The value when neither control nor profile sets one.</param>
/// <param name="Description">What it changes.</param>
public sealed record CheckParameter(string Name, ParamType Type, ParamValue Default, string Description);

/// <summary>
/// A kind of check, implemented once in code and used by any number of controls. Checks are pure: they read the evidence
/// and the parameters and nothing else (no clock, no file system), so the aggregator and an auditor get the same verdict.
/// </summary>
public interface ICheck
{
    /// <summary>The kind name controls use in <c>check.kind</c>.</summary>
    string Kind { get; }

    /// <summary>The parameters it takes.</summary>
    IReadOnlyList<CheckParameter> Parameters { get; }

    /// <summary>Judges the evidence.</summary>
    CheckOutcome Evaluate(CheckContext context);
}

/// <summary>What a check sees: the evidence and its effective parameters.</summary>
/// <param name="Evidence">The host's evidence.</param>
/// <param name="Params">Effective parameters (declared defaults, then the control, then the profile chain).</param>
/// <param name="Json">The evidence as the report serialises it, made once per evaluation when a check first asks.</param>
public sealed record CheckContext(Evidence.Evidence Evidence, IReadOnlyDictionary<string, ParamValue> Params, Lazy<JsonElement> Json)
{
    /// <summary>The evidence as JSON (camelCase, as in the report), for checks that address facts by pointer.</summary>
    public JsonElement EvidenceJson => Json.Value;

    /// <summary>An integer parameter.</summary>
    public long Integer(string name) => Params[name].AsInteger();
    /// <summary>A boolean parameter.</summary>
    public bool Boolean(string name) => Params[name].AsBoolean();
    /// <summary>A string parameter.</summary>
    public string String(string name) => Params[name].AsString();
    /// <summary>A list parameter.</summary>
    public IReadOnlyList<string> List(string name) => Params[name].AsList();

    /// <summary>
    /// The evidence domain the check needs, or an <c>error</c> outcome naming why it is missing (collector failure, or no
    /// collector on this platform). Usage: <c>if (ctx.Domain(e =&gt; e.Access, "access", out var access) is { } missing) return missing;</c>
    /// </summary>
    public CheckOutcome? Domain<T>(Func<Evidence.Evidence, T?> select, string domain, out T value) where T : class
    {
        var found = select(Evidence);
        value = found!;
        if (found is not null) return null;
        var failure = Evidence.Failures.FirstOrDefault(f => f.Domain == domain);
        return CheckOutcome.Error(EvidenceDomains.NotCollected(domain, failure?.Reason));
    }
}
