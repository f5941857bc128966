using WeightGuard.Core.Catalog;

namespace WeightGuard.Core.Checks;

/// <summary>A check kind whose parameters need more than a type check (e.g. an operator from a fixed set).</summary>
public interface IValidatesParameters
{
    /// <summary>Problems with the given parameters, one message each; empty when they are fine.</summary>
    IEnumerable<string> Validate(IReadOnlyDictionary<string, ParamValue> parameters);
}
